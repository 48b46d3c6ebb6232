namespace ProbeMonitor.Statistics.Drift;

/// <summary>Fast evaluation of a histogram's model CDF (prefix sums plus a binary search), right-continuous and as left limits.</summary>
internal sealed class HistogramCdf
{
    private readonly double[] _edges;
    private readonly double[] _below; // fraction of mass below edge i's right side: under + interior bins up to i
    private readonly double[] _binMass;

    public HistogramCdf(HistogramCounts histogram)
    {
        histogram.RequireNonEmpty();
        _edges = histogram.Edges.Edges.ToArray();
        var counts = histogram.Counts;
        double total = histogram.Total;
        _below = new double[_edges.Length];
        _binMass = new double[counts.Length];
        long cumulative = 0;
        for (int i = 0; i < _edges.Length; i++)
        {
            cumulative += counts[i];
            _below[i] = cumulative / total;
        }
        for (int i = 0; i < counts.Length; i++) _binMass[i] = counts[i] / total;
    }

    public ReadOnlySpan<double> Edges => _edges;

    /// <summary>F(x): 0 below e₀, jumps by the underflow at e₀, linear inside bins, reaches 1 at e_L.</summary>
    public double Right(double x)
    {
        if (x < _edges[0]) return 0;
        if (x >= _edges[^1]) return 1;
        return Inside(x);
    }

    /// <summary>F(x⁻): as <see cref="Right"/> except at the jumps e₀ and e_L.</summary>
    public double Left(double x)
    {
        if (x <= _edges[0]) return 0;
        if (x > _edges[^1]) return 1;
        return Inside(x);
    }

    /// <summary>The continuous part on [e₀, e_L]: G(e₀) = underflow share, G(e_L) = 1 − overflow share.</summary>
    public double Inside(double x)
    {
        if (x >= _edges[^1]) return _below[^1];
        int i = BinEdges.CountAtOrBelow(_edges, x) - 1; // x in [e_i, e_{i+1})
        double start = _below[i];
        double fraction = (x - _edges[i]) / (_edges[i + 1] - _edges[i]);
        return start + _binMass[i + 1] * fraction;
    }
}
