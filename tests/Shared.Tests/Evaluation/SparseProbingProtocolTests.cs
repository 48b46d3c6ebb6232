using System.Text.Json;
using ProbeMonitor.Evaluation;
using ProbeMonitor.TestSupport;
using Xunit;
using static ProbeMonitor.Shared.Tests.Evaluation.SyntheticEvaluationData;

namespace ProbeMonitor.Shared.Tests.Evaluation;

public sealed class SparseProbingProtocolTests
{
    private static SparseProbingInputs Inputs(double signal, bool sae = true, bool tokens = false)
    {
        if (tokens)
        {
            var (v, l, y) = Tokens(240, 6, 5, seed: 1);
            var (tv, tl, ty) = Tokens(160, 6, 5, seed: 2);
            return new SparseProbingInputs(TokenSet("planted", v, l, y, 6, "max"), TokenSet("planted-test", tv, tl, ty, 6, "max"), Sae: sae ? TinySae(planted: true) : null);
        }
        var (x, yy) = Pooled(300, signal, seed: 1);
        var (xt, yt) = Pooled(200, signal, seed: 2);
        var (xo, yo) = Pooled(150, signal * 0.7, seed: 3);
        return new SparseProbingInputs(Set(signal > 0 ? "planted" : "noise", x, yy), Set("test", xt, yt), Set("shifted", xo, yo), sae ? TinySae(planted: true) : null);
    }

    [Fact]
    public void Planted_signal_gives_high_AUC_for_every_method_and_the_results_json_has_the_documented_shape()
    {
        var result = SparseProbingProtocol.Run(Inputs(5), new SparseProbingOptions(SparseProbingOptions.AllMethods, MaxK: 16), new EvaluationLog());
        var normal = result.Rows.Where(r => r.Setting == "normal").ToList();
        foreach (var method in new[] { "logreg", "pca", "knn", "mlp", "gbdt" })
            Assert.True(normal.Single(r => r.Method == method).TestAuc > 0.9, $"{method}: {normal.Single(r => r.Method == method).TestAuc}");
        var attn = normal.Single(r => r.Method == "attn");
        Assert.True(double.IsNaN(attn.TestAuc));
        Assert.Contains("per-token", attn.Note);
        var sae = normal.Where(r => r.Method == "sae").ToList();
        Assert.Equal(LatentRanking.KGrid(Width, 16), sae.Select(r => r.K!.Value));
        Assert.Equal(0, sae[0].Latents![0]); // the planted latent ranks first
        Assert.True(sae[0].TestAuc > 0.9, $"sae k=1: {sae[0].TestAuc}");
        Assert.Equal(sae.Count, normal.Count(r => r.Method == "sae_binarized"));
        Assert.Equal(normal.Count(r => !double.IsNaN(r.TestAuc)), result.Rows.Count(r => r.Setting == "ood"));

        using var doc = JsonDocument.Parse(ResultsJson.Serialize(result));
        var root = doc.RootElement;
        Assert.Equal("sparse-probing", root.GetProperty("protocol").GetString());
        foreach (var row in root.GetProperty("rows").EnumerateArray())
            foreach (var field in new[] { "dataset", "setting", "method", "k", "val_auc", "test_auc", "test_acc", "test_f1" })
                Assert.True(row.TryGetProperty(field, out _), $"row lacks {field}");
        var quiver = root.GetProperty("quiver");
        Assert.Equal(2, quiver.GetProperty("settings").GetInt32()); // normal and ood
        Assert.InRange(quiver.GetProperty("sae_win_rate").GetDouble(), 0, 1);
        Assert.Contains(result.Rows, r => r.Method == "quiver(+sae)");
        Assert.True(result.Charts.ContainsKey(SparseProbingReport.KChart));
        Assert.Contains("Quiver of arrows", result.Markdown);
    }

    [Fact]
    public void Labels_without_signal_give_chance_AUC()
    {
        var result = SparseProbingProtocol.Run(Inputs(0), new SparseProbingOptions(["logreg", "sae"], MaxK: 8), new EvaluationLog());
        foreach (var r in result.Rows.Where(r => r.Setting == "normal"))
            Assert.InRange(r.TestAuc, 0.35, 0.65);
    }

    [Fact]
    public void Attention_probe_reads_token_files_and_finds_a_signal_on_one_token()
    {
        var result = SparseProbingProtocol.Run(Inputs(5, sae: false, tokens: true), new SparseProbingOptions(["logreg", "attn"]), new EvaluationLog());
        var attn = result.Rows.Single(r => r.Method == "attn" && r.Setting == "normal");
        Assert.True(attn.TestAuc > 0.9, $"attn {attn.TestAuc}");
    }

    [Fact]
    public void Noise_regime_runs_every_fraction_and_degrades_towards_chance()
    {
        var result = SparseProbingProtocol.Run(Inputs(5), new SparseProbingOptions(["logreg", "sae"], Regime.Noise), new EvaluationLog());
        var rows = result.Rows.Where(r => r.Setting == "noise" && r.Method == "logreg").OrderBy(r => r.RegimeValue).ToList();
        Assert.Equal(TrainingRegimes.NoiseFractions, rows.Select(r => r.RegimeValue!.Value));
        Assert.True(rows[0].TestAuc > 0.9);
        Assert.InRange(rows[^1].TestAuc, 0.2, 0.8); // half the labels flipped: no information left
        Assert.Equal([16, 64], result.Rows.Where(r => r.Setting == "noise" && r.Method == "sae").Select(r => r.K!.Value).Distinct().Order());
        Assert.True(result.Charts.ContainsKey(SparseProbingReport.RegimeChart));
    }

    [Fact]
    public void Mismatched_SAE_width_and_unknown_methods_are_clear_errors()
    {
        var inputs = Inputs(5) with { Sae = new ProbeMonitor.Sae.SparseAutoencoder(new ProbeMonitor.Sae.SaeConfig(ProbeMonitor.Sae.SaeArchitecture.Relu, 16, 8),
            new float[16 * 8], new float[8 * 16], new float[8], new float[16]) };
        var e = Assert.Throws<ArgumentException>(() => SparseProbingProtocol.Run(inputs, new SparseProbingOptions(["sae"]), new EvaluationLog()));
        Assert.Contains("d_in = 16", e.Message);
        Assert.Contains("d = 32", e.Message);
        Assert.Contains("svm", Assert.Throws<ArgumentException>(() => SparseProbingProtocol.Run(Inputs(5), new SparseProbingOptions(["svm"]), new EvaluationLog())).Message);
    }
}
