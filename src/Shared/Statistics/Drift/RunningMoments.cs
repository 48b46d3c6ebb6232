namespace ProbeMonitor.Statistics.Drift;

/// <summary>Streaming count, mean, variance, min and max by Welford's update, mergeable across threads (Chan et al.).</summary>
/// <remarks>
/// Not thread-safe by itself: keep one per thread (or per batch) and <see cref="Merge"/> them, or guard it with a lock.
/// Welford's update avoids the cancellation of the naive Σx² − n·mean² formula. NaN values are ignored and counted.
/// </remarks>
public sealed class RunningMoments
{
    private double _mean, _m2;

    /// <summary>Values folded in (NaN excluded).</summary>
    public long Count { get; private set; }

    /// <summary>NaN values seen and skipped.</summary>
    public long NaNCount { get; private set; }

    /// <summary>Smallest value seen (+∞ when empty).</summary>
    public double Min { get; private set; } = double.PositiveInfinity;

    /// <summary>Largest value seen (−∞ when empty).</summary>
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>Arithmetic mean (NaN when empty).</summary>
    public double Mean => Count == 0 ? double.NaN : _mean;

    /// <summary>Population variance, dividing by n (NaN when empty).</summary>
    public double Variance => Count == 0 ? double.NaN : _m2 / Count;

    /// <summary>Unbiased sample variance, dividing by n − 1 (NaN below two values).</summary>
    public double SampleVariance => Count < 2 ? double.NaN : _m2 / (Count - 1);

    /// <summary>Population standard deviation.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Folds in one value.</summary>
    public void Add(double value)
    {
        if (double.IsNaN(value))
        {
            NaNCount++;
            return;
        }
        Count++;
        double delta = value - _mean;
        _mean += delta / Count;
        _m2 += delta * (value - _mean);
        if (value < Min) Min = value;
        if (value > Max) Max = value;
    }

    /// <summary>Folds in a batch.</summary>
    public void Add(ReadOnlySpan<double> values)
    {
        foreach (var v in values) Add(v);
    }

    /// <summary>Folds in a batch of floats.</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        foreach (var v in values) Add(v);
    }

    /// <summary>Folds another accumulator into this one, as if its values had been added here.</summary>
    public void Merge(RunningMoments other)
    {
        ArgumentNullException.ThrowIfNull(other);
        NaNCount += other.NaNCount;
        if (other.Count == 0) return;
        if (Count == 0)
        {
            (Count, _mean, _m2, Min, Max) = (other.Count, other._mean, other._m2, other.Min, other.Max);
            return;
        }
        long n = Count + other.Count;
        double delta = other._mean - _mean;
        _mean += delta * other.Count / n;
        _m2 += other._m2 + delta * delta * ((double)Count * other.Count / n);
        Count = n;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }
}
