using System.Globalization;

namespace ProbeMonitor.Benchmarks;

/// <summary>The share of CPU time the hypervisor gave to other guests (the "steal" column of /proc/stat) over an interval.</summary>
/// <remarks>On this virtual machine steal ran from 0 to over 30 % between runs of the same benchmark; a latency tail measured
/// while the host took a third of the vCPUs says more about the host than about the code, so benchmarks print it.</remarks>
internal sealed class CpuSteal
{
    private readonly long[]? _start = Read();

    /// <summary>Steal as a share of all CPU time since construction, e.g. "4 %", or "unknown" without /proc/stat.</summary>
    public string Since()
    {
        var end = Read();
        if (_start is null || end is null) return "unknown";
        long total = 0;
        for (int i = 0; i < end.Length; i++) total += end[i] - _start[i];
        // Fields: user nice system idle iowait irq softirq steal (guest time is already inside user).
        long steal = end.Length > 7 ? end[7] - _start[7] : 0;
        return total <= 0 ? "unknown" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * steal / total:F0} %");
    }

    private static long[]? Read()
    {
        try
        {
            var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return cpu.Skip(1).Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
