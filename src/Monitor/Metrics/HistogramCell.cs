namespace ProbeMonitor.Monitor.Metrics;

/// <summary>One histogram series: per-bucket counts and a sum, updated lock-free.</summary>
/// <remarks>
/// Buckets are stored non-cumulatively so a record touches one counter; the exposition accumulates them. The count is not
/// kept separately but derived from the buckets in a snapshot, so <c>_count</c> always equals the +Inf bucket even while
/// writers race a scrape (the sum may then lag or lead by the racing observations, which Prometheus tolerates).
/// </remarks>
public sealed class HistogramCell
{
    private readonly BucketLayout _layout;
    private readonly long[] _counts;
    private long _sumBits;

    /// <summary>An empty series over <paramref name="layout"/>.</summary>
    public HistogramCell(BucketLayout layout)
    {
        _layout = layout;
        _counts = new long[layout.Count + 1];
    }

    /// <summary>Counts one observation.</summary>
    public void Record(double value)
    {
        Interlocked.Increment(ref _counts[_layout.BucketOf(value)]);
        AtomicDouble.Add(ref _sumBits, value);
    }

    /// <summary>The non-cumulative bucket counts (last is +Inf) and the sum.</summary>
    public (long[] BucketCounts, double Sum) Snapshot()
    {
        var counts = new long[_counts.Length];
        for (int i = 0; i < counts.Length; i++) counts[i] = Volatile.Read(ref _counts[i]);
        return (counts, AtomicDouble.Read(ref _sumBits));
    }
}
