using ProbeMonitor.Sae.Synthetic;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae.Synthetic;

public sealed class FeatureRecoveryTests
{
    [Fact]
    public void Best_cosines_match_a_naive_double_precision_computation()
    {
        var rng = new Random(3);
        var truth = Random(rng, 30, 12);
        var decoder = Random(rng, 45, 12);
        var r = FeatureRecovery.Evaluate(truth, 30, decoder, 45, 12);
        for (int i = 0; i < 30; i++)
        {
            double best = double.NegativeInfinity;
            for (int j = 0; j < 45; j++)
            {
                double dot = 0, a = 0, b = 0;
                for (int c = 0; c < 12; c++)
                {
                    dot += (double)truth[i * 12 + c] * decoder[j * 12 + c];
                    a += (double)truth[i * 12 + c] * truth[i * 12 + c];
                    b += (double)decoder[j * 12 + c] * decoder[j * 12 + c];
                }
                best = Math.Max(best, dot / Math.Sqrt(a * b));
            }
            Assert.Equal(best, r.BestCosine[i], 5);
        }
        Assert.Equal(r.BestCosine.Count(c => c >= 0.9) / 30.0, r.RecoveredFraction);
        Assert.Equal(r.BestCosine.Average(), r.MeanBestCosine, 12);
    }

    [Fact]
    public void A_scaled_shuffled_copy_of_the_truth_recovers_everything_and_a_negated_one_nothing()
    {
        var rng = new Random(4);
        var truth = Random(rng, 20, 8);
        var decoder = new float[25 * 8];
        var order = Enumerable.Range(0, 20).OrderBy(_ => rng.Next()).ToArray();
        for (int i = 0; i < 20; i++)
            for (int c = 0; c < 8; c++) decoder[i * 8 + c] = 3.5f * truth[order[i] * 8 + c];
        Assert.Equal(1.0, FeatureRecovery.Evaluate(truth, 20, decoder, 25, 8).RecoveredFraction);
        // Cosine is signed: an SAE decoder row pointing the opposite way does not represent a non-negative feature.
        var negated = truth.Select(v => -v).ToArray();
        Assert.Equal(0.0, FeatureRecovery.Evaluate(truth, 20, negated, 20, 8).RecoveredFraction);
    }

    [Fact]
    public void The_threshold_is_inclusive()
    {
        // [2, 0] normalises to [1, 0] exactly, so the cosine is exactly 1.
        Assert.Equal(1.0, FeatureRecovery.Evaluate([1f, 0f], 1, [2f, 0f], 1, 2, threshold: 1.0).RecoveredFraction);
        Assert.Equal(0.0, FeatureRecovery.Evaluate([1f, 0f], 1, [1f, 1f], 1, 2, threshold: 0.9).RecoveredFraction);
    }

    private static float[] Random(Random rng, int rows, int dim) =>
        Enumerable.Range(0, rows * dim).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
}
