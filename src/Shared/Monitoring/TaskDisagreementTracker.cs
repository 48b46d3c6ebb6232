namespace ProbeMonitor.Monitoring;

/// <summary>Tracks, over a sliding window, how often an SAE probe and a dense probe of the same task reach different decisions.</summary>
/// <remarks>
/// Two probes that agree in distribution but part ways on live traffic are a cheap sign that at least one has stopped
/// transferring. Thread-safe; <see cref="Record"/> is allocation-free. The mean probability gap is accumulated in
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
    public void Record(bool saeDecision, bool denseDecision, double saeProbability, double denseProbability)
    {
        double gap = Math.Abs(saeProbability - denseProbability);
        int slot = _counters.Enter();
        try
        {
            _counters.Add(slot, Requests);
            if (!double.IsNaN(gap))
            {
                _counters.Add(slot, GapRecords);
                _counters.Add(slot, GapNanos, (long)Math.Round(Math.Min(gap, 1.0) * GapScale));
            }
            if (saeDecision != denseDecision) _counters.Add(slot, Disagreements);
        }
        finally
        {
            _counters.Exit(slot);
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
