using ProbeMonitor.Estimators;
using ProbeMonitor.Formats;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>Turns the expected failures of the evaluate and export verbs (bad files, bad arguments) into one "error:" line and exit code 1.</summary>
public static class EvaluateErrors
{
    /// <summary>Runs <paramref name="action"/>, reporting expected failures on <paramref name="stderr"/> without a stack trace.</summary>
    public static int Guard(TextWriter stderr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is TensorFormatException or FormatException or ArgumentException or SingleClassException
                                      or IOException or UnauthorizedAccessException or InvalidOperationException
                                      or InvalidDataException or NotSupportedException or Probes.Bundles.ProbeBundleException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
