namespace ProbeMonitor.Monitoring;

/// <summary>Tracks, over a sliding window, how often an SAE probe and a dense probe of the same task reach different decisions.</summary>
/// <remarks>
/// Two probes that agree in distribution but part ways on live traffic are a cheap sign that at least one has stopped
/// transferring. Thread-safe; <see cref="Record"/> and <see cref="RecordBatch"/> are allocation-free. The mean probability gap is accumulated in
/// fixed point (units of 1e-9), which is exact enough for a mean of values in [0, 1].
/// </remarks>
public sealed class TaskDisagreementTracker
{
    private const int Requests = 0, GapRecords = 1, Disagreements = 2, GapNanos = 3, CounterCount = 4;
    private const double GapScale = 1e9;
    private readonly SlidingWindowCounters _counters;

    /// <summary>A tracker for the pair (<paramref name="saeProbeId"/>, <paramref name="denseProbeId"/>) of <paramref name="task"/>.</summary>
    public TaskDisagreementTracker(string task, string saeProbeId, string denseProbeId, DriftWindow window)
    {
        ArgumentException.ThrowIfNullOrEmpty(task);
        ArgumentException.ThrowIfNullOrEmpty(saeProbeId);
        ArgumentException.ThrowIfNullOrEmpty(denseProbeId);
        ArgumentNullException.ThrowIfNull(window);
        if (saeProbeId == denseProbeId) throw new ArgumentException($"a disagreement pair needs two different probes, got '{saeProbeId}' twice.", nameof(denseProbeId));
        Task = task;
        SaeProbeId = saeProbeId;
        DenseProbeId = denseProbeId;
        Window = window;
        _counters = new SlidingWindowCounters(CounterCount, window);
    }

    /// <summary>The task both probes serve.</summary>
    public string Task { get; }

    /// <summary>The SAE probe.</summary>
    public string SaeProbeId { get; }

    /// <summary>The dense probe.</summary>
    public string DenseProbeId { get; }

    /// <summary>The window.</summary>
    public DriftWindow Window { get; }

    /// <summary>Records one request both probes scored. A NaN probability still counts the decisions but not the gap.</summary>
    public void Record(bool saeDecision, bool denseDecision, double saeProbability, double denseProbability) =>
        RecordBatch(new ReadOnlySpan<bool>(in saeDecision), new ReadOnlySpan<bool>(in denseDecision),
            new ReadOnlySpan<double>(in saeProbability), new ReadOnlySpan<double>(in denseProbability));

    /// <summary>Records n requests both probes scored: the same counts as n calls of <see cref="Record"/> in order, added once per sub-window.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public void RecordBatch(ReadOnlySpan<bool> saeDecisions, ReadOnlySpan<bool> denseDecisions, ReadOnlySpan<double> saeProbabilities, ReadOnlySpan<double> denseProbabilities)
    {
        int n = saeDecisions.Length;
        if (denseDecisions.Length != n || saeProbabilities.Length != n || denseProbabilities.Length != n)
            throw new ArgumentException(
                $"Pair ('{SaeProbeId}', '{DenseProbeId}'): {saeDecisions.Length} SAE decisions, {denseDecisions.Length} dense decisions, " +
                $"{saeProbabilities.Length} SAE and {denseProbabilities.Length} dense probabilities; all must be equal.", nameof(denseDecisions));
        Span<long> amounts = stackalloc long[CounterCount];
        var run = _counters.StartRun(n);
        while (run.Next(out int start, out int length, out long epoch))
        {
            amounts.Clear();
            for (int r = start; r < start + length; r++)
            {
                double gap = Math.Abs(saeProbabilities[r] - denseProbabilities[r]);
                amounts[Requests]++;
                if (!double.IsNaN(gap))
                {
                    amounts[GapRecords]++;
                    amounts[GapNanos] += (long)Math.Round(Math.Min(gap, 1.0) * GapScale);
                }
                if (saeDecisions[r] != denseDecisions[r]) amounts[Disagreements]++;
            }
            _counters.AddRun(epoch, amounts);
        }
    }

    /// <summary>The disagreement over the current window.</summary>
    public DisagreementSnapshot Snapshot()
    {
        Span<long> c = stackalloc long[CounterCount];
        _counters.Snapshot(c);
        long n = c[Requests];
        bool enough = n >= Window.MinimumCount;
        double rate = enough ? (double)c[Disagreements] / n : double.NaN;
        double gap = enough && c[GapRecords] > 0 ? c[GapNanos] / GapScale / c[GapRecords] : double.NaN;
        return new DisagreementSnapshot(Task, SaeProbeId, DenseProbeId, n, Window.MinimumCount, c[Disagreements], rate, gap);
    }
}
