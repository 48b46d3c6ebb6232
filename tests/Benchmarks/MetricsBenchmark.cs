using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.InteropServices;
using ProbeMonitor.Monitor.Metrics;

namespace ProbeMonitor.Benchmarks;

/// <summary>What one measurement with two tags costs the recording thread: the MeterListener collector against lock-based
/// baselines measured in the same run, on one thread and with every thread recording at once.</summary>
/// <remarks>
/// The ratio is taken on each recording thread's own CPU time (CLOCK_THREAD_CPUTIME_ID), not on wall time: on a machine
/// shared with other work, wall time mostly measures how long the thread waited for a core.
/// </remarks>
public static class MetricsBenchmark
{
    private const int TagSets = 8;
    private const int ValueCount = 1024;

    /// <summary>Runs the benchmark; <c>--ops N</c> measurements per thread per run, <c>--repeats R</c> runs per case.</summary>
    public static int Run(string[] args)
    {
        int ops = IntOption(args, "--ops", 2_000_000);
        int repeats = IntOption(args, "--repeats", 7);
        int[] threadCounts = Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

        var loadBefore = MachineLoad.Average();
        var cases = BuildCases();
        Console.WriteLine($"metrics: {ops:N0} measurements per thread per run, median of {repeats} runs; {Environment.ProcessorCount} logical CPUs; load average before {loadBefore}");
        Console.WriteLine();
        Console.WriteLine("| case | threads | CPU ns/measurement (median) | best | wall ns/measurement per thread (median) | × naive lock (CPU) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (int threads in threadCounts)
        {
            var naive = new Dictionary<string, double>();
            foreach (var c in cases)
            {
                var cpu = new List<double>();
                var wall = new List<double>();
                Measure(c, threads, Math.Max(1, ops / 10)); // warm-up: JIT tiers, first-sight series
                for (int r = 0; r < repeats; r++)
                {
                    var (w, cp) = Measure(c, threads, ops);
                    wall.Add(w);
                    cpu.Add(cp);
                }
                double median = Median(cpu);
                if (c.Baseline) naive[c.Kind] = median;
                double ratio = naive.TryGetValue(c.Kind, out var n) ? n / median : double.NaN;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {c.Name} | {threads} | {median:F1} | {cpu.Min():F1} | {Median(wall):F1} | {ratio:F2} |"));
            }
        }
        Console.WriteLine();
        Console.WriteLine($"load average after {MachineLoad.Average()}; '× naive lock' = naive ns / case ns (higher is faster).");
        foreach (var c in cases) c.Verify?.Invoke();
        return 0;
    }

    private sealed record Case(string Kind, string Name, bool Baseline, Action<int, int> Loop, Action? Verify = null);

    private static List<Case> BuildCases()
    {
        var bounds = MonitorMetrics.LatencyBuckets.ToArray();
        var rng = new Random(1);
        var values = Enumerable.Range(0, ValueCount).Select(_ => Math.Exp(rng.NextDouble() * 9 - 9)).ToArray();
        string[] methods = ["Score", "Health", "Stream", "Info"];
        string[] statuses = ["OK", "Unavailable"];
        var tags = Enumerable.Range(0, TagSets)
            .Select(i => new KeyValuePair<string, object?>[] { new("method", methods[i % 4]), new("status", statuses[i / 4]) })
            .ToArray();

        var meterName = "ProbeMonitorBench." + Guid.NewGuid().ToString("N");
        var meter = new Meter(meterName);
        var collector = new MetricsCollector(new MetricsCollectorOptions { MeterNamePrefix = meterName });
        var histogram = meter.CreateHistogram<double>("bench_latency_seconds", "s", null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = bounds });
        var counter = meter.CreateCounter<long>("bench_requests_total");

        var layout = new BucketLayout(bounds);
        var table = new SeriesTable<HistogramCell>(() => new HistogramCell(layout), 100);

        var naiveHist = new NaiveLockedHistograms<string>(bounds);
        var tupleHist = new NaiveLockedHistograms<(string, string)>(bounds);
        var naiveCount = new Dictionary<string, long>();
        var tupleCount = new Dictionary<(string, string), long>();
        var gate = new object();

        return
        [
            new("histogram", "histogram: naive lock + Dictionary<string> (key concatenated per call)", true, (seed, n) =>
            {
                for (int i = seed; i < seed + n; i++)
                {
                    var t = tags[i & (TagSets - 1)];
                    naiveHist.Record(ConcatKey(t), values[i & (ValueCount - 1)]);
                }
            }),
            new("histogram", "histogram: lock + Dictionary<(string,string)>", false, (seed, n) =>
            {
                for (int i = seed; i < seed + n; i++)
                {
                    var t = tags[i & (TagSets - 1)];
                    tupleHist.Record(((string)t[0].Value!, (string)t[1].Value!), values[i & (ValueCount - 1)]);
                }
            }),
            new("histogram", "histogram: Histogram<double>.Record → MetricsCollector", false, (seed, n) =>
            {
                for (int i = seed; i < seed + n; i++)
                    histogram.Record(values[i & (ValueCount - 1)], tags[i & (TagSets - 1)]);
            }, () => Check(collector, "bench_latency_seconds")),
            new("histogram", "histogram: SeriesTable + HistogramCell direct (no System.Diagnostics.Metrics)", false, (seed, n) =>
            {
                for (int i = seed; i < seed + n; i++)
                    table.Get(tags[i & (TagSets - 1)])!.Record(values[i & (ValueCount - 1)]);
            }),
            new("counter", "counter: naive lock + Dictionary<string> (key concatenated per call)", true, (seed, n) =>
            {
                for (int i = seed; i < seed + n; i++)
                {
                    var key = ConcatKey(tags[i & (TagSets - 1)]);
                    lock (gate) naiveCount[key] = naiveCount.GetValueOrDefault(key) + 1;
                }
            }),
            new("counter", "counter: lock + Dictionary<(string,string)>", false, (seed, n) =>
            {
                for (int i = seed; i < seed + n; i++)
                {
                    var t = tags[i & (TagSets - 1)];
                    var key = ((string)t[0].Value!, (string)t[1].Value!);
                    lock (gate) tupleCount[key] = tupleCount.GetValueOrDefault(key) + 1;
                }
            }),
            new("counter", "counter: Counter<long>.Add → MetricsCollector", false, (seed, n) =>
            {
                for (int i = seed; i < seed + n; i++)
                    counter.Add(1, tags[i & (TagSets - 1)]);
            }, () => Check(collector, "bench_requests_total")),
        ];
    }

    private static string ConcatKey(KeyValuePair<string, object?>[] t) =>
        string.Concat(t[0].Key, "=", (string?)t[0].Value, ",", t[1].Key, "=", (string?)t[1].Value);

    /// <summary>Wall and thread-CPU nanoseconds per measurement when <paramref name="threads"/> threads record <paramref name="ops"/> each at once.</summary>
    private static (double Wall, double Cpu) Measure(Case c, int threads, int ops)
    {
        using var start = new Barrier(threads + 1);
        var cpuNs = new long[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            long before = ThreadCpuNanoseconds();
            c.Loop(t * 7919, ops);
            cpuNs[t] = ThreadCpuNanoseconds() - before;
        })).ToList();
        workers.ForEach(w => w.Start());
        start.SignalAndWait();
        long begin = Stopwatch.GetTimestamp();
        workers.ForEach(w => w.Join());
        return (Stopwatch.GetElapsedTime(begin).TotalNanoseconds / ops, (double)cpuNs.Sum() / ((long)ops * threads));
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID on Linux

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport: the generated stub would need unsafe code in this project.
    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private static long ThreadCpuNanoseconds()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var t) != 0)
            throw new InvalidOperationException($"clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed: errno {Marshal.GetLastPInvokeError()}");
        return t.Seconds * 1_000_000_000 + t.Nanoseconds;
    }

    private static void Check(MetricsCollector collector, string family)
    {
        // Shows the exporter saw every measurement made (warm-ups included) and keeps the measured work observable.
        var total = collector.Collect().Where(f => f.Name == family).SelectMany(f => f.Points)
            .Sum(p => p.BucketCounts?.Sum() ?? (long)p.Value);
        Console.WriteLine($"check: {family} holds {total:N0} measurements");
    }

    private static double Median(List<double> samples)
    {
        var sorted = samples.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The obvious implementation: one lock around a dictionary of (counts, sum) per key, linear bucket scan.</summary>
    private sealed class NaiveLockedHistograms<TKey>(double[] bounds) where TKey : notnull
    {
        private readonly Dictionary<TKey, (long[] Counts, double[] Sum)> _series = new();

        public void Record(TKey key, double value)
        {
            lock (_series)
            {
                if (!_series.TryGetValue(key, out var s)) _series[key] = s = (new long[bounds.Length + 1], new double[1]);
                int b = 0;
                while (b < bounds.Length && value > bounds[b]) b++;
                s.Counts[b]++;
                s.Sum[0] += value;
            }
        }
    }
}
