namespace ProbeMonitor.Statistics.Drift;

/// <summary>1-D Wasserstein-1 (earth mover's) distance W₁ = ∫ |F(x) − G(x)| dx, exact for samples and histogram models.</summary>
/// <remarks>
/// For two samples this is scipy.stats.wasserstein_distance. Histograms are read as distributions the way
/// <see cref="HistogramCounts"/> documents (uniform inside bins, under/overflow mass at the outer edges); their CDFs are
/// piecewise linear, so every integral below is summed in closed form, segment by segment, with no grid.
/// W₁ is in the units of x; <see cref="Normalized(double, double)"/> divides by the reference standard deviation to make
/// thresholds comparable across features.
/// </remarks>
public static class Wasserstein
{
    /// <summary>W₁ between two samples.</summary>
    public static double Distance(ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        var a = SortedCopy(first, nameof(first));
        var b = SortedCopy(second, nameof(second));
        double n1 = a.Length, n2 = b.Length, sum = 0;
        int i = 0, j = 0;
        double x = Math.Min(a[0], b[0]);
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && a[i] == x) i++;
            while (j < b.Length && b[j] == x) j++;
            if (i == a.Length && j == b.Length) break;
            double next = Math.Min(i < a.Length ? a[i] : double.PositiveInfinity, j < b.Length ? b[j] : double.PositiveInfinity);
            sum += Math.Abs(i / n1 - j / n2) * (next - x);
            x = next;
        }
        return sum;
    }

    /// <summary>W₁ between two float samples.</summary>
    public static double Distance(ReadOnlySpan<float> first, ReadOnlySpan<float> second) =>
        Distance(StatisticsArguments.Widen(first), StatisticsArguments.Widen(second));

    /// <summary>W₁ between a reference histogram's model distribution and a sample.</summary>
    public static double Distance(HistogramCounts reference, ReadOnlySpan<double> sample)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var model = new HistogramCdf(reference);
        var x = SortedCopy(sample, nameof(sample));
        var edges = model.Edges;
        double n = x.Length, lowEdge = edges[0], highEdge = edges[^1], sum = 0;
        // Outside [e₀, e_L] the model CDF is flat at 0 or 1, so only sample mass out there contributes.
        int k = 0;
        for (; k < x.Length && x[k] < lowEdge; k++) sum += (lowEdge - x[k]) / n;
        for (int t = x.Length - 1; t >= 0 && x[t] > highEdge; t--) sum += (x[t] - highEdge) / n;
        // Inside, walk the merged breakpoints (sample points and edges): the ECDF is constant and the model linear between them.
        int e = 1;
        double left = lowEdge;
        int below = k; // sample points ≤ left
        while (k < x.Length && x[k] == left) { k++; below++; }
        while (left < highEdge)
        {
            double right = Math.Min(edges[e], k < x.Length ? x[k] : double.PositiveInfinity);
            sum += AbsLinearIntegral(below / n - model.Inside(left), below / n - model.Inside(right), right - left);
            left = right;
            if (edges[e] == left) e++;
            while (k < x.Length && x[k] == left) { k++; below++; }
        }
        return sum;
    }

    /// <summary>W₁ between two histograms over the same edges, both read as distributions.</summary>
    public static double Distance(HistogramCounts reference, HistogramCounts current)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        reference.RequireSameEdges(current, nameof(current));
        var r = new HistogramCdf(reference);
        var c = new HistogramCdf(current);
        var edges = r.Edges;
        double sum = 0;
        for (int i = 0; i + 1 < edges.Length; i++)
            sum += AbsLinearIntegral(r.Inside(edges[i]) - c.Inside(edges[i]), r.Inside(edges[i + 1]) - c.Inside(edges[i + 1]), edges[i + 1] - edges[i]);
        return sum;
    }

    /// <summary>A distance divided by the reference standard deviation (NaN-free only for a non-degenerate reference).</summary>
    public static double Normalized(double distance, double referenceStandardDeviation)
    {
        if (!(referenceStandardDeviation > 0))
            throw new ArgumentOutOfRangeException(nameof(referenceStandardDeviation), referenceStandardDeviation, "the reference standard deviation must be positive to normalise by it.");
        return distance / referenceStandardDeviation;
    }

    /// <summary>W₁(reference, current) / σ(reference), σ the population (ddof = 0) standard deviation.</summary>
    public static double NormalizedDistance(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        var moments = new RunningMoments();
        moments.Add(reference);
        return Normalized(Distance(reference, current), moments.StandardDeviation);
    }

    /// <summary>W₁ of two histograms divided by the reference histogram's model standard deviation.</summary>
    public static double NormalizedDistance(HistogramCounts reference, HistogramCounts current) =>
        Normalized(Distance(reference, current), reference.StandardDeviation());

    /// <summary>∫₀^w |f(s)| ds for f linear from a to b: the trapezoid when f keeps its sign, two triangles when it crosses 0.</summary>
    internal static double AbsLinearIntegral(double a, double b, double width)
    {
        if (width <= 0) return 0;
        if ((a >= 0 && b >= 0) || (a <= 0 && b <= 0)) return Math.Abs(a + b) / 2 * width;
        return (a * a + b * b) / (2 * (Math.Abs(a) + Math.Abs(b))) * width;
    }

    private static double[] SortedCopy(ReadOnlySpan<double> values, string name)
    {
        StatisticsArguments.NotEmpty(values.Length, name);
        StatisticsArguments.Finite(values, name);
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}
