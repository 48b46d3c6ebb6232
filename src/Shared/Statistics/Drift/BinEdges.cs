namespace ProbeMonitor.Statistics.Drift;

/// <summary>
/// Fixed, strictly increasing finite edges e₀ &lt; … &lt; e_L that split the line into L + 1 bins: bin 0 is the underflow
/// (x &lt; e₀), bin i for 1 ≤ i &lt; L is [e_{i−1}, e_i), and bin L is the overflow (x ≥ e_L). NaN belongs to no bin.
/// </summary>
public sealed class BinEdges
{
    private readonly double[] _edges;

    /// <summary>Takes a copy of the edges and checks them.</summary>
    public BinEdges(ReadOnlySpan<double> edges)
    {
        if (edges.Length == 0) throw new ArgumentException("bin edges are empty; at least one edge is needed.", nameof(edges));
        for (int i = 0; i < edges.Length; i++)
        {
            if (!double.IsFinite(edges[i])) throw new ArgumentException($"edges[{i}] is {edges[i]}; bin edges must be finite.", nameof(edges));
            if (i > 0 && !(edges[i] > edges[i - 1]))
                throw new ArgumentException($"edges[{i}] = {edges[i]} does not exceed edges[{i - 1}] = {edges[i - 1]}; edges must strictly increase.", nameof(edges));
        }
        _edges = edges.ToArray();
    }

    /// <summary>The edges, ascending.</summary>
    public ReadOnlySpan<double> Edges => _edges;

    /// <summary>Number of bins, under- and overflow included: edge count + 1.</summary>
    public int BinCount => _edges.Length + 1;

    /// <summary>Number of bounded bins between the first and last edge: edge count − 1.</summary>
    public int InteriorBinCount => _edges.Length - 1;

    /// <summary>The bin holding x, or −1 for NaN. Allocation-free: a binary search over the edges.</summary>
    public int IndexOf(double x) => double.IsNaN(x) ? -1 : CountAtOrBelow(_edges, x);

    /// <summary>How many of the ascending values are ≤ x, which is exactly x's bin index; plain comparisons, no comparer calls.</summary>
    internal static int CountAtOrBelow(ReadOnlySpan<double> ascending, double x)
    {
        int lo = 0, hi = ascending.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (ascending[mid] <= x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>L equal-width interior bins over [lower, upper].</summary>
    public static BinEdges Uniform(double lower, double upper, int interiorBins)
    {
        if (interiorBins < 1) throw new ArgumentOutOfRangeException(nameof(interiorBins), interiorBins, "at least one interior bin is needed.");
        if (!(double.IsFinite(lower) && double.IsFinite(upper) && upper > lower))
            throw new ArgumentException($"uniform bins need finite lower < upper, got [{lower}, {upper}].");
        var edges = new double[interiorBins + 1];
        for (int i = 0; i <= interiorBins; i++) edges[i] = lower + (upper - lower) * i / interiorBins;
        edges[^1] = upper;
        return new BinEdges(edges);
    }

    /// <summary>
    /// Edges at the reference sample's quantiles k/L (k = 0…L, numpy-linear), so each interior bin holds about 1/L of the
    /// reference. The top edge is nudged one ulp above the maximum so the whole reference lies in interior bins and the
    /// under/overflow bins count only values outside the reference range. Tied quantiles are merged, so heavy ties yield
    /// fewer bins; a constant reference yields the two edges [v, v⁺].
    /// </summary>
    public static BinEdges FromQuantiles(ReadOnlySpan<double> reference, int interiorBins)
    {
        if (interiorBins < 1) throw new ArgumentOutOfRangeException(nameof(interiorBins), interiorBins, "at least one interior bin is needed.");
        StatisticsArguments.NotEmpty(reference.Length, nameof(reference));
        StatisticsArguments.Finite(reference, nameof(reference));
        var sorted = reference.ToArray();
        Array.Sort(sorted);
        var edges = new List<double>(interiorBins + 1);
        for (int k = 0; k <= interiorBins; k++)
        {
            double e = k == interiorBins ? Math.BitIncrement(sorted[^1]) : Quantiles.LinearSorted(sorted, (double)k / interiorBins);
            if (edges.Count == 0 || e > edges[^1]) edges.Add(e);
        }
        if (edges.Count == 1) edges.Add(Math.BitIncrement(edges[0]));
        return new BinEdges(edges.ToArray());
    }

    /// <summary>Whether two edge sets are identical, so their histograms can be compared bin by bin.</summary>
    public bool SameAs(BinEdges other) => ReferenceEquals(this, other) || Edges.SequenceEqual(other.Edges);
}
