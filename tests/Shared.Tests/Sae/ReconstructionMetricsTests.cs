using ProbeMonitor.Sae;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae;

public sealed class ReconstructionMetricsTests
{
    // x = [[1,2],[3,4]], x̂ = [[1,1],[3,5]]: residual Σ = 0+1+0+1 = 2; mean = [2,3]; total Σ = 1+1+1+1 = 4.
    private static readonly float[] X = [1, 2, 3, 4];
    private static readonly float[] XHat = [1, 1, 3, 5];

    [Fact]
    public void Fvu_explained_variance_and_mse_match_hand_computation()
    {
        Assert.Equal(0.5, ReconstructionMetrics.FractionOfVarianceUnexplained(X, XHat, 2, 2), 12);
        Assert.Equal(0.5, ReconstructionMetrics.ExplainedVariance(X, XHat, 2, 2), 12);
        Assert.Equal(0.5, ReconstructionMetrics.MeanSquaredError(X, XHat, 2, 2), 12);
        Assert.Equal(0.0, ReconstructionMetrics.FractionOfVarianceUnexplained(X, X, 2, 2));
    }

    [Fact]
    public void Fvu_uses_the_per_dimension_batch_mean()
    {
        // Predicting every row by the batch mean leaves exactly all the variance unexplained.
        float[] x = [1, 10, 2, 20, 6, 30];
        float[] mean = [3, 20, 3, 20, 3, 20];
        Assert.Equal(1.0, ReconstructionMetrics.FractionOfVarianceUnexplained(x, mean, 3, 2), 12);
        Assert.True(double.IsNaN(ReconstructionMetrics.FractionOfVarianceUnexplained([1, 1, 1, 1], [0, 0, 0, 0], 2, 2)));
    }

    [Fact]
    public void Cosine_similarity_matches_hand_computation()
    {
        var cos = ReconstructionMetrics.CosineSimilarities(X, XHat, 2, 2);
        Assert.Equal(3 / (Math.Sqrt(5) * Math.Sqrt(2)), cos[0], 12);
        Assert.Equal(29 / (5 * Math.Sqrt(34)), cos[1], 12);
        Assert.Equal((cos[0] + cos[1]) / 2, ReconstructionMetrics.MeanCosineSimilarity(X, XHat, 2, 2), 12);
        Assert.Equal([0.0], ReconstructionMetrics.CosineSimilarities([0, 0], [1, 1], 1, 2));
    }

    [Fact]
    public void Mean_l0_counts_non_zero_latents_dense_and_sparse()
    {
        float[] acts = [0, 1, 0, 2, 3, 0];
        Assert.Equal(1.5, ReconstructionMetrics.MeanL0(acts, 2, 3));
        Assert.Equal(1.5, ReconstructionMetrics.MeanL0([SparseLatents.FromDense(acts.AsSpan(0, 3)), SparseLatents.FromDense(acts.AsSpan(3, 3))]));
        Assert.True(double.IsNaN(ReconstructionMetrics.MeanL0([], 0, 3)));
    }

    [Fact]
    public void Mismatched_batches_are_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => ReconstructionMetrics.FractionOfVarianceUnexplained(X, [1, 2, 3], 2, 2));
        Assert.Contains("reconstruction x̂ holds 3 floats", ex.Message);
    }

    [Fact]
    public void Firing_counter_tallies_dense_and_sparse_batches_alike()
    {
        // Three rows over 4 latents: latent 0 fires twice, 2 once, 1 and 3 never.
        float[] batch1 = [5, 0, 0, 0, 0, 0, 1, 0];
        float[] batch2 = [2, 0, 0, 0];
        var dense = new LatentFiringCounter(4);
        dense.Add(batch1, 2);
        dense.Add(batch2, 1);
        var sparse = new LatentFiringCounter(4);
        sparse.Add([SparseLatents.FromDense(batch1.AsSpan(0, 4)), SparseLatents.FromDense(batch1.AsSpan(4, 4))]);
        sparse.Add(SparseLatents.FromDense(batch2));
        foreach (var c in new[] { dense, sparse })
        {
            Assert.Equal(3, c.Rows);
            Assert.Equal([2L, 0, 1, 0], c.Counts.ToArray());
            Assert.Equal([2 / 3.0, 0, 1 / 3.0, 0], c.FiringRates());
            Assert.Equal(2, c.DeadCount);
            Assert.Equal(0.5, c.DeadFraction);
            Assert.Equal([1, 3], c.DeadLatents());
        }
        dense.Merge(sparse);
        Assert.Equal(6, dense.Rows);
        Assert.Equal([4L, 0, 2, 0], dense.Counts.ToArray());
        Assert.All(new LatentFiringCounter(2).FiringRates(), r => Assert.True(double.IsNaN(r)));
    }

    [Fact]
    public void Firing_counter_rejects_mismatched_widths()
    {
        var c = new LatentFiringCounter(4);
        Assert.Contains("out of range for d_sae = 4", Assert.Throws<ArgumentException>(() => c.Add(new SparseLatents([4], [1f]))).Message);
        Assert.Contains("cannot merge d_sae 5 into 4", Assert.Throws<ArgumentException>(() => c.Merge(new LatentFiringCounter(5))).Message);
        Assert.Contains("acts holds 5 floats", Assert.Throws<ArgumentException>(() => c.Add(new float[5], 1)).Message);
    }

    [Fact]
    public void Metrics_over_a_real_encode_agree_with_a_direct_loop()
    {
        var sae = SaeTestData.Random(new SaeConfig(SaeArchitecture.JumpRelu, 16, 48), seed: 5);
        var x = SaeTestData.Gaussian(new Random(12), 30 * 16);
        var sparse = sae.EncodeSparse(x, 30);
        var xHat = sae.DecodeSparse(sparse);
        double res = 0, tot = 0;
        for (int j = 0; j < 16; j++)
        {
            double m = 0;
            for (int i = 0; i < 30; i++) m += x[i * 16 + j];
            m /= 30;
            for (int i = 0; i < 30; i++)
            {
                res += Math.Pow((double)x[i * 16 + j] - xHat[i * 16 + j], 2);
                tot += Math.Pow(x[i * 16 + j] - m, 2);
            }
        }
        Assert.Equal(res / tot, ReconstructionMetrics.FractionOfVarianceUnexplained(x, xHat, 30, 16), 10);
        var counter = new LatentFiringCounter(48);
        counter.Add(sparse);
        Assert.Equal(sparse.Sum(s => s.Count) / 30.0, counter.Counts.ToArray().Sum() / 30.0, 12);
        Assert.Equal(ReconstructionMetrics.MeanL0(sparse), counter.Counts.ToArray().Sum() / 30.0, 12);
    }
}
