namespace ProbeMonitor.Benchmarks;

/// <summary>The 1-, 5- and 15-minute load averages, printed beside timings so a reader can judge how shared the machine was.</summary>
internal static class MachineLoad
{
    /// <summary>/proc/loadavg's first three fields, or "unknown" where it cannot be read.</summary>
    public static string Average()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
