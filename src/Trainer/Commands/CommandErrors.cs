using ProbeMonitor.Estimators;
using ProbeMonitor.Formats;
using ProbeMonitor.Model;
using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>Turns the expected failures of a verb (bad files, bad arguments) into one "error:" line on stderr and exit code 1.</summary>
/// <remarks>Bugs (anything else) still surface with a stack trace: only failures a user can fix by changing the input are caught.</remarks>
public static class CommandErrors
{
    /// <summary>Runs <paramref name="action"/>, reporting expected failures on the process's stderr.</summary>
    public static int Guard(Func<int> action) => Guard(Console.Error, action);

    /// <summary>Runs <paramref name="action"/>, reporting expected failures on <paramref name="stderr"/> without a stack trace.</summary>
    public static int Guard(TextWriter stderr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ModelFormatException or TensorFormatException or ProbeBundleException or SingleClassException
                                      or FormatException or ArgumentException or IOException or UnauthorizedAccessException
                                      or InvalidOperationException or InvalidDataException or NotSupportedException or KeyNotFoundException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
