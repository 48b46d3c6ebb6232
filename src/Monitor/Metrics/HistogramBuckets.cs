namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Histogram upper bounds: the Prometheus defaults, generators, and validation.</summary>
public static class HistogramBuckets
{
    /// <summary>The Prometheus client libraries' default bounds, in seconds, used when an instrument gives no advice.</summary>
    public static IReadOnlyList<double> Default { get; } = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary><paramref name="count"/> bounds <c>start, start+width, …</c>, rounded to 10 decimals so that
    /// <c>0.05·3</c> prints as <c>0.15</c> rather than <c>0.15000000000000002</c>.</summary>
    public static double[] Linear(double start, double width, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!double.IsFinite(start) || !double.IsFinite(width) || width <= 0)
            throw new ArgumentException($"linear buckets need a finite start and a positive finite width (got start {start}, width {width}).");
        var bounds = new double[count];
        for (int i = 0; i < count; i++) bounds[i] = Math.Round(start + i * width, 10);
        return bounds;
    }

    /// <summary><paramref name="count"/> bounds <c>start, start·factor, …</c>.</summary>
    public static double[] Exponential(double start, double factor, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (!double.IsFinite(start) || start <= 0 || !double.IsFinite(factor) || factor <= 1)
            throw new ArgumentException($"exponential buckets need a positive start and a factor above 1 (got start {start}, factor {factor}).");
        var bounds = new double[count];
        for (int i = 0; i < count; i++) bounds[i] = start * Math.Pow(factor, i);
        return bounds;
    }

    /// <summary>A copy of <paramref name="bounds"/> checked to be finite and strictly increasing; a trailing +Inf is dropped
    /// because the exposition always adds it.</summary>
    /// <exception cref="ArgumentException">A bound is NaN, −Inf, out of order or repeated, naming the instrument.</exception>
    public static double[] Validate(IEnumerable<double> bounds, string instrument)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        var list = bounds.ToList();
        if (list.Count > 0 && double.IsPositiveInfinity(list[^1])) list.RemoveAt(list.Count - 1);
        for (int i = 0; i < list.Count; i++)
        {
            if (!double.IsFinite(list[i]))
                throw new ArgumentException($"histogram '{instrument}': bucket bound {i} is {list[i]}; bounds must be finite (+Inf is implicit).");
            if (i > 0 && list[i] <= list[i - 1])
                throw new ArgumentException($"histogram '{instrument}': bucket bounds must strictly increase, but bound {i} ({list[i]}) follows {list[i - 1]}.");
        }
        return [.. list];
    }
}
