namespace ProbeMonitor.Statistics.Drift;

/// <summary>Population stability index between a reference and a current distribution over the same fixed bins.</summary>
/// <remarks>
/// PSI = Σ_i (p_i − q_i) · ln(p_i / q_i), with q the reference and p the current proportions. It is symmetric, zero for
/// identical distributions, and (by a common rule of thumb) below 0.1 stable, 0.1–0.25 moderate shift, above 0.25 large shift.
/// An empty bin on one side would make a term infinite, so both sides are smoothed additively on proportions first:
/// p′_i = (p_i + ε) / (1 + kε) over k bins (Laplace smoothing; the default ε = 1e-4 caps an empty bin's term near
/// |p_i|·ln(p_i/1e-4)). With ε = 0, bins empty on both sides contribute 0 and a bin empty on one side only gives +∞.
/// </remarks>
public static class PopulationStability
{
    /// <summary>Default additive smoothing on proportions.</summary>
    public const double DefaultEpsilon = 1e-4;

    /// <summary>PSI of two weight vectors (counts or proportions; each is normalised to sum 1 first).</summary>
    public static double Index(ReadOnlySpan<double> reference, ReadOnlySpan<double> current, double epsilon = DefaultEpsilon)
    {
        StatisticsArguments.SameLength(reference.Length, current.Length, nameof(reference), nameof(current));
        StatisticsArguments.NotEmpty(reference.Length, nameof(reference));
        if (!(epsilon >= 0 && double.IsFinite(epsilon))) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be finite and non-negative.");
        double refTotal = Total(reference, nameof(reference));
        double curTotal = Total(current, nameof(current));
        int k = reference.Length;
        double scale = 1 + k * epsilon;
        double psi = 0;
        for (int i = 0; i < k; i++)
        {
            double q = (reference[i] / refTotal + epsilon) / scale;
            double p = (current[i] / curTotal + epsilon) / scale;
            if (p == q) continue; // also covers a bin empty on both sides with epsilon = 0
            psi += (p - q) * Math.Log(p / q);
        }
        return psi;
    }

    /// <summary>PSI of two count vectors.</summary>
    public static double Index(ReadOnlySpan<long> referenceCounts, ReadOnlySpan<long> currentCounts, double epsilon = DefaultEpsilon)
    {
        var r = new double[referenceCounts.Length];
        var c = new double[currentCounts.Length];
        for (int i = 0; i < r.Length; i++) r[i] = referenceCounts[i];
        for (int i = 0; i < c.Length; i++) c[i] = currentCounts[i];
        return Index(r, c, epsilon);
    }

    /// <summary>PSI of two histograms over the same edges, under- and overflow bins included (NaNs excluded).</summary>
    public static double Index(HistogramCounts reference, HistogramCounts current, double epsilon = DefaultEpsilon)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        reference.RequireSameEdges(current, nameof(current));
        return Index(reference.Counts, current.Counts, epsilon);
    }

    /// <summary>PSI of two raw samples binned over the given edges.</summary>
    public static double Index(BinEdges edges, ReadOnlySpan<double> reference, ReadOnlySpan<double> current, double epsilon = DefaultEpsilon) =>
        Index(HistogramCounts.Of(edges, reference), HistogramCounts.Of(edges, current), epsilon);

    private static double Total(ReadOnlySpan<double> weights, string name)
    {
        double total = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            if (!(weights[i] >= 0 && double.IsFinite(weights[i])))
                throw new ArgumentException($"{name}[{i}] is {weights[i]}; bin weights must be finite and non-negative.", name);
            total += weights[i];
        }
        if (total == 0) throw new ArgumentException($"{name} is all zero; an empty distribution has no proportions.", name);
        return total;
    }
}
