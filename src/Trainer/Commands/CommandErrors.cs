using ProbeMonitor.Formats;
using ProbeMonitor.Model;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>Turns the expected failures of a verb (bad files, bad arguments) into one "error:" line on stderr and exit code 1.</summary>
public static class CommandErrors
{
    /// <summary>Runs <paramref name="action"/>, reporting expected failures without a stack trace.</summary>
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ModelFormatException or TensorFormatException or FormatException or ArgumentException
                                      or IOException or UnauthorizedAccessException or InvalidOperationException
                                      or InvalidDataException or NotSupportedException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
