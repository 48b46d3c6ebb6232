namespace ProbeMonitor.Statistics.Drift;

/// <summary>
/// Fixed-memory, thread-safe histogram over fixed edges (usually taken from a reference sample) with under- and overflow
/// bins. Adding is allocation-free and lock-free (a binary search and one Interlocked increment), so request threads can
/// call it directly.
/// </summary>
/// <remarks>
/// A <see cref="Snapshot"/> reads each bin atomically but not all bins at one instant: counts added during the snapshot
/// may or may not be included. That is harmless for drift gauges, which only need a recent, self-consistent total
/// (the snapshot's total is the sum of the counts it read).
/// </remarks>
public sealed class StreamingHistogram
{
    private const int StackBins = 256;
    private readonly long[] _counts;
    private long _nan;

    /// <summary>An empty histogram over the edges.</summary>
    public StreamingHistogram(BinEdges edges)
    {
        Edges = edges ?? throw new ArgumentNullException(nameof(edges));
        _counts = new long[edges.BinCount];
    }

    /// <summary>The bin edges.</summary>
    public BinEdges Edges { get; }

    /// <summary>Values counted so far, NaN excluded (a moment's reading under concurrent adds).</summary>
    public long Count
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _counts.Length; i++) total += Volatile.Read(ref _counts[i]);
            return total;
        }
    }

    /// <summary>Counts one value; NaN is tallied apart.</summary>
    public void Add(double value)
    {
        int bin = Edges.IndexOf(value);
        if (bin < 0) Interlocked.Increment(ref _nan);
        else Interlocked.Increment(ref _counts[bin]);
    }

    /// <summary>Counts a batch, tallying locally first so each touched bin takes one interlocked add, not one per value.</summary>
    public void Add(ReadOnlySpan<double> values)
    {
        if (_counts.Length > StackBins)
        {
            foreach (var v in values) Add(v);
            return;
        }
        Span<long> local = stackalloc long[_counts.Length];
        long nan = 0;
        foreach (var v in values)
        {
            int bin = Edges.IndexOf(v);
            if (bin < 0) nan++; else local[bin]++;
        }
        Publish(local, nan);
    }

    /// <summary>Counts a batch of floats.</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        if (_counts.Length > StackBins)
        {
            foreach (var v in values) Add(v);
            return;
        }
        Span<long> local = stackalloc long[_counts.Length];
        long nan = 0;
        foreach (var v in values)
        {
            int bin = Edges.IndexOf(v);
            if (bin < 0) nan++; else local[bin]++;
        }
        Publish(local, nan);
    }

    /// <summary>Copies the current counts into a caller buffer of <see cref="BinEdges.BinCount"/> longs, without allocating; returns the NaN count.</summary>
    public long CopyCountsTo(Span<long> destination)
    {
        if (destination.Length < _counts.Length)
            throw new ArgumentException($"destination holds {destination.Length} counts, the histogram has {_counts.Length} bins.", nameof(destination));
        for (int i = 0; i < _counts.Length; i++) destination[i] = Volatile.Read(ref _counts[i]);
        return Volatile.Read(ref _nan);
    }

    /// <summary>An immutable copy of the counts.</summary>
    public HistogramCounts Snapshot()
    {
        var counts = new long[_counts.Length];
        long nan = CopyCountsTo(counts);
        return new HistogramCounts(Edges, counts, nan);
    }

    /// <summary>Zeroes every bin (each atomically; adds racing with the reset may survive it).</summary>
    public void Reset()
    {
        for (int i = 0; i < _counts.Length; i++) Interlocked.Exchange(ref _counts[i], 0);
        Interlocked.Exchange(ref _nan, 0);
    }

    private void Publish(ReadOnlySpan<long> local, long nan)
    {
        for (int i = 0; i < local.Length; i++)
            if (local[i] != 0) Interlocked.Add(ref _counts[i], local[i]);
        if (nan != 0) Interlocked.Add(ref _nan, nan);
    }
}
