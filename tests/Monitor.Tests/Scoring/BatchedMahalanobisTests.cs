using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Statistics.Drift;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Scoring;

/// <summary>The GEMM form of the Mahalanobis distance against the one-row double form (itself checked against numpy in Shared.Tests).</summary>
public sealed class BatchedMahalanobisTests
{
    [Theory]
    [InlineData(37, 2304, 64)] // Gemma-2-2B width, a rank-64 reference, rows not a multiple of any tile
    [InlineData(5, 16, 16)]    // full rank: no residual term
    [InlineData(1, 9, 2)]
    public void Batched_distances_match_the_double_formula_to_a_millionth(int n, int d, int rank)
    {
        var rng = new Random(n + d);
        var mean = Enumerable.Range(0, d).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        // Orthonormal components: a random rotation of the first axes would do too; signed permuted axes keep it exact.
        var components = new float[rank * d];
        var axes = Enumerable.Range(0, d).OrderBy(_ => rng.Next()).Take(rank).ToArray();
        for (int i = 0; i < rank; i++) components[i * d + axes[i]] = rng.Next(2) == 0 ? 1f : -1f;
        var eigenvalues = Enumerable.Range(0, rank).Select(i => 5.0 / (1 + i)).ToArray();
        var model = new LowRankGaussian(Array.ConvertAll(mean, v => (double)v), Array.ConvertAll(components, v => (double)v), eigenvalues, 0.2, 100);
        var batched = new BatchedMahalanobis(mean, components, model);
        var x = Enumerable.Range(0, n * d).Select(_ => (float)(2 * (rng.NextDouble() - 0.5))).ToArray();

        var d2 = new double[n];
        batched.DistanceSquared(x, n, d2);

        for (int r = 0; r < n; r++)
        {
            double expected = Mahalanobis.DistanceSquared(model, x.AsSpan(r * d, d));
            Assert.True(Math.Abs(expected - d2[r]) <= 1e-6 * expected, $"row {r}: double {expected:R}, batched {d2[r]:R}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(2304)]
    [InlineData(2311)]
    public void Squared_length_equals_the_plain_double_loop(int d)
    {
        var rng = new Random(d);
        // Gemma-like: a few huge dimensions among small ones, so a float accumulator would lose the small ones.
        var u = Enumerable.Range(0, d).Select(i => (float)((rng.NextDouble() - 0.5) * (i % 97 == 0 ? 3000 : 1))).ToArray();
        double expected = 0;
        foreach (float v in u) expected += (double)v * v;
        Assert.Equal(expected, BatchedMahalanobis.SquaredLength(u), 1e-13 * expected); // only the order of the additions differs
    }

    [Fact]
    public void Equal_references_share_a_fingerprint_and_different_ones_do_not()
    {
        float[] mean = [0.1f, 0.2f, 0.3f];
        float[] components = [1, 0, 0];
        LowRankGaussian Model(double residual) => new([0.1, 0.2, 0.3], [1.0, 0, 0], [2.0], residual, 9);
        var a = new BatchedMahalanobis(mean, components, Model(0.5));
        var b = new BatchedMahalanobis((float[])mean.Clone(), (float[])components.Clone(), Model(0.5));
        var c = new BatchedMahalanobis(mean, components, Model(0.25));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
    }
}
