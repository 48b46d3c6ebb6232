using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>Sleeps until a <see cref="Stopwatch"/> timestamp with sub-millisecond precision, without spinning a core.</summary>
/// <remarks>.NET's timers and <see cref="Thread.Sleep(int)"/> work in whole milliseconds and on Linux fire up to a millisecond
/// or two late, so an open-loop client paced by them sends each call late and the lateness lands in every latency it reports
/// from the scheduled send (at 1,000 calls/s, loadgen's p50 from the schedule was 1.3 ms against 0.7 ms from the actual send).
/// Linux's <c>nanosleep</c> wakes within the kernel's timer slack (50 µs by default). Spinning instead would be exact but
/// would take a core from the server on this two-core machine.</remarks>
internal static class PreciseClock
{
    private static volatile bool s_nanoSleep = true;

    /// <summary>Blocks the calling thread until <paramref name="timestamp"/> (or returns at once if it has passed).</summary>
    public static void SleepUntil(long timestamp)
    {
        long ticks = timestamp - Stopwatch.GetTimestamp();
        if (ticks <= 0) return;
        long nanos = (long)(ticks * (1e9 / Stopwatch.Frequency));
        if (OperatingSystem.IsLinux() && s_nanoSleep)
        {
            var request = new TimeSpec { Seconds = nanos / 1_000_000_000, Nanoseconds = nanos % 1_000_000_000 };
            try
            {
                // EINTR leaves time unslept; the caller re-checks the clock, so one call is enough.
                _ = NanoSleep(ref request, IntPtr.Zero);
                return;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                s_nanoSleep = false; // a C library without it: fall back to the millisecond sleep below
            }
        }
        Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, nanos / 100)));
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "nanosleep", SetLastError = true)]
    private static extern int NanoSleep(ref TimeSpec request, IntPtr remaining);
}
