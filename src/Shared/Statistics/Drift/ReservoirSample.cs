namespace ProbeMonitor.Statistics.Drift;

/// <summary>
/// A fixed-size uniform random sample of a stream (Vitter's Algorithm R), for quantiles of unbounded streams in fixed memory.
/// Thread-safe: adds take a short lock; nothing is allocated after construction except by <see cref="Quantile"/>.
/// </summary>
public sealed class ReservoirSample
{
    private readonly double[] _items;
    private readonly Random _rng;
    private readonly object _gate = new();
    private long _seen;

    /// <summary>An empty reservoir of the given capacity with a seeded RNG (same seed and stream, same sample).</summary>
    public ReservoirSample(int capacity, int seed = 12345)
    {
        if (capacity < 1) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a reservoir must hold at least one value.");
        _items = new double[capacity];
        _rng = new Random(seed);
    }

    /// <summary>Maximum values kept.</summary>
    public int Capacity => _items.Length;

    /// <summary>Values offered so far (NaN is ignored and not counted).</summary>
    public long Seen
    {
        get { lock (_gate) return _seen; }
    }

    /// <summary>Offers one value: kept with probability capacity / seen.</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value)) return;
        lock (_gate)
        {
            long seen = ++_seen;
            if (seen <= _items.Length) _items[seen - 1] = value;
            else
            {
                long j = _rng.NextInt64(seen);
                if (j < _items.Length) _items[j] = value;
            }
        }
    }

    /// <summary>A copy of the current sample, unsorted.</summary>
    public double[] ToArray()
    {
        lock (_gate) return _items.AsSpan(0, (int)Math.Min(_seen, _items.Length)).ToArray();
    }

    /// <summary>The q-quantile of the current sample (numpy-linear); an estimate of the stream's quantile.</summary>
    public double Quantile(double q)
    {
        var sample = ToArray();
        if (sample.Length == 0) throw new InvalidOperationException("the reservoir is empty; no quantile to estimate.");
        return Quantiles.Linear(sample, q);
    }
}
