using System.Runtime.InteropServices;

namespace ProbeMonitor.Benchmarks;

/// <summary>CPU time of this process or thread in nanoseconds (Linux clock_gettime), which a machine shared with other work
/// disturbs far less than wall time; falls back to the process's TotalProcessorTime elsewhere.</summary>
internal static class CpuClock
{
    private const int ProcessCpuTime = 2, ThreadCpuTime = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

#pragma warning disable SYSLIB1054 // a plain DllImport keeps the benchmark project free of unsafe code
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);
#pragma warning restore SYSLIB1054

    /// <summary>Nanoseconds of CPU every thread of this process has used.</summary>
    public static long ProcessNanoseconds() => Read(ProcessCpuTime);

    /// <summary>Nanoseconds of CPU the calling thread has used.</summary>
    public static long ThreadNanoseconds() => Read(ThreadCpuTime);

    private static long Read(int clock)
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(clock, out var t) == 0) return t.Seconds * 1_000_000_000 + t.Nanoseconds;
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime.Ticks * 100;
    }
}
