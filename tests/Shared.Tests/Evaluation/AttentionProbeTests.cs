using ProbeMonitor.Evaluation;
using ProbeMonitor.Statistics;
using Xunit;
using static ProbeMonitor.Shared.Tests.Evaluation.SyntheticEvaluationData;

namespace ProbeMonitor.Shared.Tests.Evaluation;

public sealed class AttentionProbeTests
{
    [Fact]
    public void Gradient_matches_central_finite_differences()
    {
        var (v, l, y) = Tokens(12, 4, 2, seed: 5);
        var tokens = new TokenSequences(v, l, 4, Dim);
        var (mean, scale) = AttentionProbe.Moments(tokens);
        var rng = new Random(1);
        var theta = Enumerable.Range(0, 2 * Dim + 1).Select(_ => 0.3 * (rng.NextDouble() - 0.5)).ToArray();
        var g = new double[theta.Length];
        AttentionProbe.Loss(tokens, y, mean, scale, 2.0, theta, g);
        var scratch = new double[theta.Length];
        for (int k = 0; k < theta.Length; k++)
        {
            const double h = 1e-6;
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[k] += h;
            minus[k] -= h;
            double numeric = (AttentionProbe.Loss(tokens, y, mean, scale, 2.0, plus, scratch) - AttentionProbe.Loss(tokens, y, mean, scale, 2.0, minus, scratch)) / (2 * h);
            Assert.True(Math.Abs(numeric - g[k]) < 1e-5 * Math.Max(1, Math.Abs(numeric)), $"θ[{k}]: analytic {g[k]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Learns_to_attend_to_the_planted_token_where_last_token_pooling_sees_little()
    {
        var (v, l, y) = Tokens(300, 8, 4, seed: 9);
        var (tv, tl, ty) = Tokens(200, 8, 4, seed: 10);
        var train = new TokenSequences(v, l, 8, Dim);
        var test = new TokenSequences(tv, tl, 8, Dim);
        var probe = AttentionProbe.Fit(train, y, 1.0);
        double attn = Roc.RocAuc(probe.PredictLogits(test), ty);
        var lastTrain = ProbeMonitor.Estimators.LogisticRegression.Fit(train.Pool("last"), y, Dim);
        double last = Roc.RocAuc(lastTrain.PredictLogits(test.Pool("last")), ty);
        Assert.True(attn > 0.9, $"attention AUC {attn}");
        Assert.True(attn > last + 0.1, $"attention {attn} vs last-token {last}");
        var weights = probe.AttentionOf(test, Array.IndexOf(ty, 1));
        Assert.Equal(1.0, weights.Sum(), 9);
    }
}
