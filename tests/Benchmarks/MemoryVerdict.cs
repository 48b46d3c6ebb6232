using System.Globalization;
using System.Text.Json;

namespace ProbeMonitor.Benchmarks;

/// <summary>Whether a server's memory stayed flat over a soak: the median of the last window against the median of the first
/// window after warm-up, for the resident set and the managed heap.</summary>
internal sealed record MemoryVerdict(IReadOnlyList<MemorySample> Samples, double WarmupSeconds, double WindowSeconds, double Tolerance,
    MemoryVerdict.Series Rss, MemoryVerdict.Series Heap)
{
    /// <summary>One quantity's first and last window medians (bytes) and their relative change.</summary>
    public sealed record Series(string Name, double First, double Last, int FirstCount, int LastCount, double Tolerance)
    {
        public double Change => (Last - First) / First;

        public bool Flat => FirstCount > 0 && LastCount > 0 && Math.Abs(Change) <= Tolerance;
    }

    /// <summary>Windows of a minute, or a third of the soak when it is shorter than three minutes; sample times count from the soak's start.</summary>
    public static MemoryVerdict From(IReadOnlyList<MemorySample> samples, double warmupSeconds, double soakSeconds, double tolerance)
    {
        double window = Math.Min(60, soakSeconds / 3);
        var first = samples.Where(s => s.Seconds >= warmupSeconds && s.Seconds < warmupSeconds + window).ToList();
        var last = samples.Where(s => s.Seconds >= warmupSeconds + soakSeconds - window && s.Seconds <= warmupSeconds + soakSeconds).ToList();
        Series Of(string name, Func<MemorySample, long> pick) =>
            new(name, Median(first.Select(s => (double)pick(s))), Median(last.Select(s => (double)pick(s))), first.Count, last.Count, tolerance);
        return new MemoryVerdict(samples, warmupSeconds, window, tolerance, Of("RSS", s => s.RssBytes), Of("managed heap after last GC", s => s.GcHeapBytes));
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| memory ({Samples.Count} samples; windows of {WindowSeconds:0.#} s) | first window median MiB | last window median MiB | change | within {Tolerance:P0} |"));
        Console.WriteLine("|---|---:|---:|---:|---|");
        foreach (var s in new[] { Rss, Heap })
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Name} (n = {s.FirstCount}, {s.LastCount}) | {s.First / (1 << 20):0.0} | {s.Last / (1 << 20):0.0} | {s.Change:+0.0%;-0.0%} | {(s.Flat ? "yes" : "NO")}{(s == Heap ? " (not checked: grows between full GCs)" : "")} |"));
    }

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("window_s", WindowSeconds);
        w.WriteNumber("warmup_s", WarmupSeconds);
        w.WriteNumber("tolerance", Tolerance);
        foreach (var (key, s) in new[] { ("rss", Rss), ("gc_heap", Heap) })
        {
            w.WriteStartObject(key);
            Number(w, "first_median_bytes", s.First);
            Number(w, "last_median_bytes", s.Last);
            Number(w, "change", s.Change);
            w.WriteBoolean("flat", s.Flat);
            w.WriteEndObject();
        }
        w.WriteStartArray("samples");
        foreach (var s in Samples)
        {
            w.WriteStartObject();
            w.WriteNumber("t_s", Math.Round(s.Seconds, 2));
            w.WriteNumber("rss_bytes", s.RssBytes);
            w.WriteNumber("gc_heap_bytes", s.GcHeapBytes);
            w.WriteNumber("allocated_bytes", s.AllocatedBytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value);
        else w.WriteNull(name);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
