namespace ProbeMonitor.Statistics.Drift;

/// <summary>An immutable snapshot of histogram counts over <see cref="BinEdges"/> (index 0 underflow, last overflow), plus NaNs seen.</summary>
/// <remarks>
/// As a distribution, the histogram is read as uniform within each interior bin, with the underflow mass sitting at the
/// first edge and the overflow mass at the last edge. That makes its CDF continuous and piecewise linear on [e₀, e_L],
/// with jumps only at e₀ and e_L; the KS and Wasserstein functions use exactly this model.
/// </remarks>
public sealed class HistogramCounts
{
    private readonly long[] _counts;

    /// <summary>Wraps counts (copied) over the given edges.</summary>
    public HistogramCounts(BinEdges edges, ReadOnlySpan<long> counts, long nanCount = 0)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (counts.Length != edges.BinCount)
            throw new ArgumentException($"{counts.Length} counts given for {edges.BinCount} bins (edges + 1, under- and overflow included).", nameof(counts));
        for (int i = 0; i < counts.Length; i++)
            if (counts[i] < 0) throw new ArgumentException($"counts[{i}] is {counts[i]}; counts cannot be negative.", nameof(counts));
        if (nanCount < 0) throw new ArgumentOutOfRangeException(nameof(nanCount), nanCount, "the NaN count cannot be negative.");
        Edges = edges;
        _counts = counts.ToArray();
        NaNCount = nanCount;
        long total = 0;
        foreach (var c in _counts) total += c;
        Total = total;
    }

    /// <summary>Counts a sample into a fresh histogram.</summary>
    public static HistogramCounts Of(BinEdges edges, ReadOnlySpan<double> values)
    {
        var counts = new long[edges.BinCount];
        long nan = 0;
        foreach (var x in values)
        {
            int b = edges.IndexOf(x);
            if (b < 0) nan++; else counts[b]++;
        }
        return new HistogramCounts(edges, counts, nan);
    }

    /// <summary>The bin edges.</summary>
    public BinEdges Edges { get; }

    /// <summary>Counts per bin: underflow, interior bins, overflow.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>NaN values seen, kept out of every bin and of <see cref="Total"/>.</summary>
    public long NaNCount { get; }

    /// <summary>Values counted in bins.</summary>
    public long Total { get; }

    /// <summary>Fraction of <see cref="Total"/> per bin (all zero when empty).</summary>
    public double[] Proportions()
    {
        var p = new double[_counts.Length];
        if (Total == 0) return p;
        for (int i = 0; i < p.Length; i++) p[i] = (double)_counts[i] / Total;
        return p;
    }

    /// <summary>The model CDF at x (right-continuous). Needs a non-empty histogram; build a <c>HistogramCdf</c> once for many points.</summary>
    public double Cdf(double x) => new HistogramCdf(this).Right(x);

    /// <summary>Mean of the model distribution.</summary>
    public double Mean()
    {
        RequireNonEmpty();
        var e = Edges.Edges;
        double sum = _counts[0] * e[0] + _counts[^1] * e[^1];
        for (int i = 1; i < e.Length; i++) sum += _counts[i] * (e[i - 1] + e[i]) / 2;
        return sum / Total;
    }

    /// <summary>Standard deviation of the model distribution (uniform within bins, point masses at the outer edges).</summary>
    public double StandardDeviation()
    {
        double mean = Mean();
        var e = Edges.Edges;
        double a0 = e[0] - mean, aL = e[^1] - mean;
        double sum = _counts[0] * a0 * a0 + _counts[^1] * aL * aL;
        for (int i = 1; i < e.Length; i++)
        {
            double a = e[i - 1] - mean, b = e[i] - mean;
            sum += _counts[i] * (a * a + a * b + b * b) / 3;
        }
        return Math.Sqrt(sum / Total);
    }

    internal void RequireNonEmpty()
    {
        if (Total == 0) throw new InvalidOperationException("the histogram is empty; it has no distribution to compare.");
    }

    internal void RequireSameEdges(HistogramCounts other, string otherName)
    {
        if (!Edges.SameAs(other.Edges))
            throw new ArgumentException($"{otherName} uses different bin edges; histograms must share edges to be compared.", otherName);
    }
}
