using ProbeMonitor.Statistics.Drift;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics.Drift;

public sealed class PopulationStabilityTests
{
    [Fact]
    public void Closed_form_example()
    {
        // q = (0.1, 0.2, 0.3, 0.4), p = (0.2, 0.2, 0.3, 0.3):
        // PSI = 0.1·ln 2 + 0 + 0 + (−0.1)·ln(0.75) = 0.1·ln(8/3) ≈ 0.0980829.
        double psi = PopulationStability.Index([0.1, 0.2, 0.3, 0.4], [0.2, 0.2, 0.3, 0.3], epsilon: 0);
        Assert.Equal(0.1 * Math.Log(8.0 / 3), psi, 14);
        // Counts normalise to the same proportions.
        Assert.Equal(psi, PopulationStability.Index([10L, 20, 30, 40], [40L, 40, 60, 60], epsilon: 0), 14);
        // Symmetric, and zero for identical distributions.
        Assert.Equal(psi, PopulationStability.Index([0.2, 0.2, 0.3, 0.3], [0.1, 0.2, 0.3, 0.4], epsilon: 0), 14);
        Assert.Equal(0, PopulationStability.Index([1.0, 2, 3], [2.0, 4, 6]));
    }

    [Fact]
    public void Empty_bins_follow_the_documented_smoothing()
    {
        // Without smoothing: a bin empty on both sides adds nothing, a bin empty on one side makes PSI infinite.
        Assert.Equal(0, PopulationStability.Index([0.5, 0.5, 0], [0.5, 0.5, 0], epsilon: 0));
        Assert.Equal(double.PositiveInfinity, PopulationStability.Index([1.0, 0], [0.5, 0.5], epsilon: 0));
        // With ε: proportions become (p + ε)/(1 + kε). Reference (1, 0), current (½, ½), k = 2.
        double eps = 1e-4, scale = 1 + 2 * eps;
        double q0 = (1 + eps) / scale, q1 = eps / scale, p0 = (0.5 + eps) / scale, p1 = (0.5 + eps) / scale;
        double expected = (p0 - q0) * Math.Log(p0 / q0) + (p1 - q1) * Math.Log(p1 / q1);
        Assert.Equal(expected, PopulationStability.Index([1.0, 0], [0.5, 0.5]), 14);
        Assert.True(expected is > 2 and < 5); // large but finite: about ½·ln(½/1e-4)
    }

    [Fact]
    public void Histograms_and_samples_over_shared_edges()
    {
        var edges = new BinEdges([0.0, 1, 2]);
        // Reference: under 0, [0,1) 2, [1,2) 2, over 0. Current: under 1, [0,1) 1, [1,2) 1, over 1.
        double[] reference = [0.5, 0.7, 1.5, 1.9];
        double[] current = [-1, 0.5, 1.5, 2.5];
        double direct = PopulationStability.Index([0L, 2, 2, 0], [1L, 1, 1, 1]);
        Assert.Equal(direct, PopulationStability.Index(edges, reference, current), 15);
        Assert.Equal(direct, PopulationStability.Index(HistogramCounts.Of(edges, reference), HistogramCounts.Of(edges, current)), 15);
        var other = new HistogramCounts(new BinEdges([0.0, 1, 3]), [0L, 1, 1, 0]);
        Assert.Contains("different bin edges", Assert.Throws<ArgumentException>(() => PopulationStability.Index(HistogramCounts.Of(edges, reference), other)).Message);
        Assert.Contains("all zero", Assert.Throws<ArgumentException>(() => PopulationStability.Index([0.0, 0], [1.0, 1])).Message);
    }
}
