using System.Text.Json;
using ProbeMonitor.Evaluation;
using Xunit;
using static ProbeMonitor.Shared.Tests.Evaluation.SyntheticEvaluationData;

namespace ProbeMonitor.Shared.Tests.Evaluation;

public sealed class AnswerabilityProtocolTests
{
    private static AnswerabilityInputs Inputs(double signal, bool planted = true)
    {
        var (x, y) = Pooled(300, signal, seed: 4);
        var (xo, yo) = Pooled(120, signal, seed: 5);
        var (xn, yn) = Pooled(120, 0, seed: 6);
        return new AnswerabilityInputs(Set("squad", x, y), TinySae(planted), [Set("shifted", xo, yo), Set("unrelated", xn, yn)], planted ? "trained" : "random");
    }

    [Fact]
    public void Planted_latent_ranks_first_and_top1_top5_and_linear_probe_transfer_with_intervals()
    {
        var result = AnswerabilityProtocol.Run(Inputs(5), new AnswerabilityOptions(TopK: 10), new EvaluationLog());
        using var doc = JsonDocument.Parse(ResultsJson.Serialize(result));
        var ranking = doc.RootElement.GetProperty("ranking").EnumerateArray().ToArray();
        Assert.Equal(10, ranking.Length);
        Assert.Equal(0, ranking[0].GetProperty("latent").GetInt32());
        Assert.True(ranking[0].GetProperty("cv_auc").GetDouble() > 0.9);
        Assert.True(doc.RootElement.GetProperty("ranking_equivalence_max_abs_diff").GetDouble() < 1e-9);
        foreach (var set in new[] { "squad (test)", "shifted" })
            foreach (var method in new[] { "sae_top1", "sae_top5", "linear_probe" })
            {
                var row = result.Rows.Single(r => r.Dataset == set && r.Method == method);
                Assert.True(row.TestAuc > 0.9, $"{set} {method}: {row.TestAuc}");
                Assert.InRange(row.TestAuc, row.AucCiLow, row.AucCiHigh);
            }
        foreach (var r in result.Rows.Where(r => r.Dataset == "unrelated")) Assert.InRange(r.TestAuc, 0.35, 0.65);
        Assert.Contains("| dataset | n | SAE top-1 | SAE top-5 | linear probe |", result.Markdown);
    }

    [Fact]
    public void Labels_without_signal_rank_nothing_above_chance_on_test()
    {
        var result = AnswerabilityProtocol.Run(Inputs(0), new AnswerabilityOptions(TopK: 5, BootstrapResamples: 200), new EvaluationLog());
        foreach (var r in result.Rows.Where(r => r.Setting == "test")) Assert.InRange(r.TestAuc, 0.3, 0.7);
    }

    [Fact]
    public void Random_SAE_baseline_is_beaten_by_the_planted_SAE()
    {
        var options = new AnswerabilityOptions(TopK: 5, BootstrapResamples: 100);
        var trained = AnswerabilityProtocol.Run(Inputs(5), options, new EvaluationLog());
        var random = AnswerabilityProtocol.Run(Inputs(5, planted: false), options, new EvaluationLog());
        var combined = RandomBaselineComparison.Combine(trained, random);
        var pairs = RandomBaselineComparison.Pair(trained, random);
        Assert.Equal(6, pairs.Count); // two SAE probes × three datasets
        var top1 = pairs.Single(p => p.Trained.Method == "sae_top1" && p.Trained.Setting == "test");
        Assert.Equal(top1.Trained.TestAuc - top1.Random.TestAuc, top1.Margin, 12);
        Assert.True(top1.BeatsRandom, $"margin {top1.Margin}"); // random latents still catch some of a strong signal, so the margin is modest
        using var doc = JsonDocument.Parse(ResultsJson.Serialize(combined));
        Assert.Equal("random-baselines/answerability", doc.RootElement.GetProperty("protocol").GetString());
        Assert.Equal(6, doc.RootElement.GetProperty("comparison").GetArrayLength());
        Assert.Contains("beats random?", combined.Markdown);
    }
}
