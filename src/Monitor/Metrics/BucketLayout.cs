namespace ProbeMonitor.Monitor.Metrics;

/// <summary>A histogram's finite upper bounds and the <c>le</c> text each prints as (the +Inf bucket is implicit).</summary>
/// <remarks>
/// The text is kept apart from the value because a <c>float</c> bound such as <c>0.1f</c> is compared as the double it widens
/// to (so a recorded <c>0.1f</c> lands in its own bucket) yet must print as <c>0.1</c>, not <c>0.10000000149011612</c>.
/// </remarks>
public sealed class BucketLayout
{
    private readonly double[] _bounds;
    private readonly string[] _labels;

    /// <summary>A layout whose labels are the shortest round-trip text of each bound.</summary>
    public BucketLayout(IReadOnlyList<double> bounds, string instrument = "histogram")
        : this(HistogramBuckets.Validate(bounds, instrument), null)
    {
    }

    private BucketLayout(double[] bounds, string[]? labels)
    {
        _bounds = bounds;
        _labels = labels ?? [.. bounds.Select(PrometheusTextFormat.FormatValue)];
    }

    /// <summary>A layout for <c>float</c> bounds: compared as widened doubles, printed as the float's own shortest text.</summary>
    public static BucketLayout FromSingle(IReadOnlyList<float> bounds, string instrument)
    {
        var widened = HistogramBuckets.Validate(bounds.Select(b => (double)b), instrument);
        var labels = bounds.Where(b => !float.IsPositiveInfinity(b))
            .Select(b => b.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return new BucketLayout(widened, labels);
    }

    /// <summary>The number of finite bounds; a series has one more bucket (+Inf).</summary>
    public int Count => _bounds.Length;

    /// <summary>The finite upper bounds, strictly increasing.</summary>
    public ReadOnlySpan<double> Bounds => _bounds;

    /// <summary>The <c>le</c> text of finite bound <paramref name="index"/>.</summary>
    public string LabelAt(int index) => _labels[index];

    /// <summary>The bucket a value falls in: the first bound ≥ value (Prometheus buckets are inclusive), or <see cref="Count"/>
    /// (+Inf) for larger values and NaN.</summary>
    public int BucketOf(double value)
    {
        var bounds = _bounds;
        if (bounds.Length <= 32)
        {
            // Counting the bounds below the value has no data-dependent branch, so random latencies cost no mispredictions;
            // for layouts this short that beats stopping early or a binary search.
            if (double.IsNaN(value)) return bounds.Length;
            int below = 0;
            foreach (var bound in bounds) below += value > bound ? 1 : 0;
            return below;
        }
        int lo = 0, hi = bounds.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (value <= bounds[mid]) hi = mid;
            else lo = mid + 1;
        }
        // NaN compares false everywhere, so it ends at Count like in the scan.
        return lo;
    }
}
