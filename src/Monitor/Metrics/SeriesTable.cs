using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>The per-tag-set state of one instrument: canonical labels to cells, probed with raw tags, with a cap on series.</summary>
/// <remarks>
/// A repeated tag set resolves through a lock-free <see cref="ConcurrentDictionary{TKey, TValue}"/> read keyed by the tag span
/// itself (see <see cref="LabelSetComparer"/>), so the hot path allocates nothing; only a new tag set builds a
/// <see cref="LabelSet"/>. The cap keeps a caller that leaks unbounded values (ids, prompts) into tags from growing memory
/// and the exposition without bound: past it, measurements for new tag sets are dropped and counted.
/// </remarks>
public sealed class SeriesTable<TCell> where TCell : class
{
    private readonly ConcurrentDictionary<LabelSet, TCell> _cells = new(LabelSetComparer.Instance);
    private readonly ConcurrentDictionary<LabelSet, TCell>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _byTags;
    private readonly Func<TCell> _create;
    private readonly int _maxSeries;
    private int _count;
    private long _dropped;

    /// <summary>An empty table creating cells with <paramref name="create"/> for at most <paramref name="maxSeries"/> tag sets.</summary>
    public SeriesTable(Func<TCell> create, int maxSeries)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSeries);
        _create = create;
        _maxSeries = maxSeries;
        _byTags = _cells.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    /// <summary>The cell for these tags, created on first sight; null once the cap is reached and the tag set is new.</summary>
    public TCell? Get(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _byTags.TryGetValue(tags, out var cell) ? cell : AddSlow(LabelSet.FromTags(tags));

    /// <summary>The cell for a canonical label set, created on first sight; null once the cap is reached and the set is new.</summary>
    public TCell? Get(LabelSet labels) => _cells.TryGetValue(labels, out var cell) ? cell : AddSlow(labels);

    /// <summary>The number of series held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Measurements dropped because their tag set would have exceeded the cap.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Counts a measurement dropped for another reason the owner decided (e.g. a negative counter increment).</summary>
    public void CountDropped() => Interlocked.Increment(ref _dropped);

    /// <summary>The series, in no particular order; safe to enumerate while others record.</summary>
    public IEnumerable<KeyValuePair<LabelSet, TCell>> Entries => _cells;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private TCell? AddSlow(LabelSet labels)
    {
        if (_cells.TryGetValue(labels, out var existing)) return existing;
        // Racing first-sights can overshoot the cap by the number of racing threads; bounded is what matters.
        if (Volatile.Read(ref _count) >= _maxSeries)
        {
            Interlocked.Increment(ref _dropped);
            return null;
        }
        var cell = _create();
        if (_cells.TryAdd(labels, cell))
        {
            Interlocked.Increment(ref _count);
            return cell;
        }
        return _cells[labels];
    }
}
