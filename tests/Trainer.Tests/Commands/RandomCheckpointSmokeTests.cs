using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Trainer.Commands;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>
/// The whole Trainer pipeline on a checkpoint the project makes itself: init-model → extract → train-sae (and a random
/// baseline SAE) → every evaluate protocol and export, through the CLI. No shared data: inputs are token ids.
/// </summary>
/// <remarks>
/// The data plant a lexical signal: every sequence ends with a marker token, <see cref="PositiveMarker"/> for label 1 and
/// <see cref="NegativeMarker"/> for label 0, after random filler (as a prompt's last word would). The last-token residual
/// of even a random model carries the marker's embedding, so probes must separate the classes (AUC near 1), while a
/// second set whose labels are coin flips independent of the tokens must stay near chance. (A marker at a random
/// position is diluted by mean pooling to AUC ≈ 0.8 at this width: too weak a signal for a clear assertion.) The fixture builds
/// the model, activations and SAEs once; each fact runs one verb on them.
/// </remarks>
[Collection(CliRunner.Collection)]
public sealed class RandomCheckpointSmokeTests : IClassFixture<RandomCheckpointSmokeTests.Pipeline>
{
    internal const int PositiveMarker = 500, NegativeMarker = 501, Vocab = 512, Layer = 1;
    internal const string Key = "blocks.1.hook_resid_post";

    internal const string Config = """
    { "architectures": ["Gemma2ForCausalLM"], "vocab_size": 512, "hidden_size": 32, "intermediate_size": 64,
      "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8,
      "query_pre_attn_scalar": 8, "sliding_window": 16, "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0,
      "max_position_embeddings": 64, "initializer_range": 0.2 }
    """;

    private readonly Pipeline _p;

    public RandomCheckpointSmokeTests(Pipeline pipeline) => _p = pipeline;

    /// <summary>The model, the activation files and the two SAEs, built once for the class.</summary>
    public sealed class Pipeline : IDisposable
    {
        public string Dir { get; } = RepoPaths.NewTempDir("pm-smoke");
        public string Train { get; }
        public string Test { get; }
        public string Shifted { get; }
        public string Noise { get; }
        public string NoiseTest { get; }
        public string Sae { get; }
        public string RandomSae { get; }

        public Pipeline()
        {
            string config = Path.Combine(Dir, "config.json");
            File.WriteAllText(config, Config);
            string model = Path.Combine(Dir, "model");
            Cli("init-model", "--config", config, "--seed", "3", "--dtype", "bf16", "--out", model);
            // The shifted set draws longer sequences: same rule, different length distribution.
            Train = Extract(model, "train", Planted(240, 8, 16, seed: 1));
            Test = Extract(model, "test", Planted(160, 8, 16, seed: 2));
            Shifted = Extract(model, "shifted", Planted(120, 24, 40, seed: 3));
            Noise = Extract(model, "noise", Planted(200, 8, 16, seed: 4, randomLabels: true));
            NoiseTest = Extract(model, "noise-test", Planted(160, 8, 16, seed: 5, randomLabels: true));
            Sae = Path.Combine(Dir, "sae-topk");
            Cli("train-sae", "--acts", Train, "--key", Key, "--arch", "topk", "--width", "64", "--k", "4", "--steps", "150", "--batch", "128",
                "--lr", "0.003", "--seed", "1", "--log-every", "50", "--out", Sae);
            RandomSae = Path.Combine(Dir, "sae-random");
            Cli("train-sae", "--acts", Train, "--key", Key, "--arch", "topk", "--width", "64", "--k", "4", "--steps", "150", "--batch", "128",
                "--lr", "0.003", "--seed", "2", "--freeze", "decoder", "--log-every", "50", "--out", RandomSae);
        }

        public void Dispose() => Directory.Delete(Dir, recursive: true);

        private string Extract(string model, string name, IEnumerable<string> lines)
        {
            string input = Path.Combine(Dir, name + ".jsonl"), output = Path.Combine(Dir, name + ".safetensors");
            File.WriteAllLines(input, lines);
            Cli("extract", "--model", model, "--input", input, "--layers", Layer.ToString(CultureInfo.InvariantCulture), "--pooling", "none",
                "--batch-size", "32", "--out", output);
            return output;
        }

        private static void Cli(params string[] args)
        {
            var (code, stderr) = CliRunner.Run(args);
            Assert.True(code == 0, $"{args[0]} failed: {stderr}");
        }
    }

    /// <summary>JSONL token-id lines: &lt;bos&gt;, filler from 4…499, then one marker; label = marker unless <paramref name="randomLabels"/>.</summary>
    internal static IEnumerable<string> Planted(int count, int minLength, int maxLength, int seed, bool randomLabels = false)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int label = i % 2;
            var ids = new List<int> { 2 };
            int length = rng.Next(minLength, maxLength + 1);
            for (int t = 1; t < length; t++) ids.Add(rng.Next(4, PositiveMarker));
            int marker = randomLabels ? PositiveMarker : label == 1 ? PositiveMarker : NegativeMarker;
            ids.Add(marker);
            yield return $"{{\"token_ids\": [{string.Join(",", ids)}], \"label\": {label}}}";
        }
    }

    private static (int Code, string Stdout, string Stderr) Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TrainerCli.Build().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static readonly string[] RowFields = ["dataset", "setting", "method", "k", "val_auc", "test_auc", "test_acc", "test_f1"];

    /// <summary>Runs a verb, then checks the output folder: report.md, at least one SVG, and results.json in the required schema.</summary>
    private static JsonElement[] RunAndCheck(string protocol, string outDir, params string[] args)
    {
        var (code, stdout, stderr) = Invoke(args);
        Assert.True(code == 0, stderr);
        Assert.Contains("results.json", stdout);
        Assert.True(new FileInfo(Path.Combine(outDir, "report.md")).Length > 200, "report.md is missing or nearly empty");
        var svgs = Directory.GetFiles(outDir, "*.svg");
        Assert.NotEmpty(svgs);
        Assert.All(svgs, s => Assert.StartsWith("<svg", File.ReadAllText(s).TrimStart()));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var root = doc.RootElement;
        Assert.Equal(protocol, root.GetProperty("protocol").GetString());
        var rows = root.GetProperty("rows").EnumerateArray().Select(r => r.Clone()).ToArray();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            foreach (var field in RowFields) Assert.True(row.TryGetProperty(field, out _), $"a {protocol} row lacks '{field}': {row}");
            foreach (var field in new[] { "dataset", "setting", "method" }) Assert.Equal(JsonValueKind.String, row.GetProperty(field).ValueKind);
            Assert.True(row.GetProperty("k").ValueKind is JsonValueKind.Null or JsonValueKind.Number);
            foreach (var field in RowFields.Skip(4))
            {
                var v = row.GetProperty(field);
                Assert.True(v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.Number && v.GetDouble() is >= 0 and <= 1),
                    $"{protocol} row {row}: '{field}' is neither null nor in [0, 1]");
            }
        }
        return rows;
    }

    private static double Auc(JsonElement[] rows, string dataset, string setting, string method, int? k = null) =>
        rows.Single(r => r.GetProperty("dataset").GetString() == dataset && r.GetProperty("setting").GetString() == setting
                         && r.GetProperty("method").GetString() == method
                         && (k is null || (r.GetProperty("k").ValueKind == JsonValueKind.Number && r.GetProperty("k").GetInt32() == k))
                         && (!r.TryGetProperty("sae", out var s) || s.ValueKind != JsonValueKind.String || s.GetString() != "random"))
            .GetProperty("test_auc").GetDouble();

    [Fact]
    public void Sparse_probing_separates_the_planted_marker_and_stays_at_chance_on_coin_flip_labels()
    {
        string outDir = Path.Combine(_p.Dir, "sparse-probing");
        var rows = RunAndCheck("sparse-probing", outDir, "evaluate", "sparse-probing", "--train", _p.Train, "--test", _p.Test, "--ood", _p.Shifted,
            "--name", "planted", "--sae", _p.Sae, "--max-k", "16", "--out", outDir);
        foreach (var method in new[] { "logreg", "pca", "knn", "mlp", "gbdt", "attn" })
            Assert.True(Auc(rows, "planted", "normal", method) > 0.8, $"{method}: test AUC {Auc(rows, "planted", "normal", method)} on the planted marker");
        Assert.True(Auc(rows, "planted", "normal", "logreg") > 0.95);
        Assert.True(Auc(rows, "planted", "ood", "logreg") > 0.9, "the marker rule holds on longer sequences too");
        Assert.True(rows.Where(r => r.GetProperty("method").GetString() == "sae" && r.GetProperty("setting").GetString() == "normal").Max(r => r.GetProperty("test_auc").GetDouble()) > 0.75,
            "some k-sparse SAE probe should find the marker");

        string noiseDir = Path.Combine(_p.Dir, "sparse-probing-noise");
        var noise = RunAndCheck("sparse-probing", noiseDir, "evaluate", "sparse-probing", "--train", _p.Noise, "--test", _p.NoiseTest,
            "--name", "coin-flips", "--methods", "logreg,knn", "--out", noiseDir);
        foreach (var method in new[] { "logreg", "knn" })
        {
            double auc = Auc(noise, "coin-flips", "normal", method);
            Assert.True(auc is > 0.3 and < 0.7, $"{method}: test AUC {auc} on labels independent of the tokens (160 test rows: sd ≈ 0.05)");
        }
    }

    [Fact]
    public void Sparse_probing_over_several_datasets_writes_each_run_and_a_summary_that_matches_them()
    {
        string outDir = Path.Combine(_p.Dir, "sparse-probing-many");
        var rows = RunAndCheck("sparse-probing", outDir, "evaluate", "sparse-probing", "--dataset", $"planted={_p.Train},{_p.Test},{_p.Shifted}",
            "--dataset", $"coin-flips={_p.Noise},{_p.NoiseTest}", "--methods", "logreg,sae", "--sae", _p.Sae, "--max-k", "8", "--out", outDir);
        Assert.Equal(["coin-flips", "planted"], rows.Select(r => r.GetProperty("dataset").GetString()).Distinct().Order());
        foreach (var name in new[] { "planted", "coin-flips" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, name, "report.md")));
            using var own = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, name, "results.json")));
            var ownRows = own.RootElement.GetProperty("rows").EnumerateArray().ToArray();
            Assert.Equal(Auc(ownRows, name, "normal", "logreg"), Auc(rows, name, "normal", "logreg"));
        }
        // The same dataset run alone (the single-file form) gives the same numbers: runs are seeded and independent.
        string alone = Path.Combine(_p.Dir, "sparse-probing-alone");
        var aloneRows = RunAndCheck("sparse-probing", alone, "evaluate", "sparse-probing", "--train", _p.Noise, "--test", _p.NoiseTest, "--name", "coin-flips",
            "--methods", "logreg,sae", "--sae", _p.Sae, "--max-k", "8", "--out", alone);
        Assert.Equal(Auc(aloneRows, "coin-flips", "normal", "logreg"), Auc(rows, "coin-flips", "normal", "logreg"));
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("[planted](planted/report.md)", report);
        Assert.Contains("**mean**", report);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        Assert.Equal(2, summary.RootElement.GetProperty("datasets").GetArrayLength());
        Assert.Equal(2, summary.RootElement.GetProperty("quiver").GetProperty("decisions").EnumerateArray().Count(d => d.GetProperty("setting").GetString() == "normal"));

        var (code, _, stderr) = Invoke("evaluate", "sparse-probing", "--dataset", $"x={_p.Train}", "--out", Path.Combine(_p.Dir, "bad"));
        Assert.Equal(1, code);
        Assert.Contains("NAME=TRAIN,TEST[,OOD]", stderr);
        (code, _, stderr) = Invoke("evaluate", "sparse-probing", "--dataset", $"x={_p.Train},{_p.Test}", "--train", _p.Train, "--out", Path.Combine(_p.Dir, "bad"));
        Assert.Equal(1, code);
        Assert.Contains("replaces --train", stderr);
    }

    [Fact]
    public void Answerability_ranks_latents_and_transfers_to_the_shifted_set_but_not_to_noise()
    {
        string outDir = Path.Combine(_p.Dir, "answerability");
        var rows = RunAndCheck("answerability", outDir, "evaluate", "answerability", "--acts", _p.Train, "--sae", _p.Sae,
            "--ood", $"shifted={_p.Shifted}", "--ood", $"coin-flips={_p.NoiseTest}", "--top-k", "8", "--out", outDir);
        var linear = rows.Where(r => r.GetProperty("method").GetString() == "linear_probe").ToArray();
        Assert.Equal(3, linear.Length);
        var byDataset = linear.ToDictionary(r => r.GetProperty("dataset").GetString()!, r => r.GetProperty("test_auc").GetDouble());
        Assert.True(byDataset["shifted"] > 0.9, $"linear probe on the shifted set: {byDataset["shifted"]}");
        Assert.True(byDataset["coin-flips"] is > 0.3 and < 0.7, $"linear probe on coin-flip labels: {byDataset["coin-flips"]}");
        Assert.True(byDataset.Where(kv => kv.Key is not ("shifted" or "coin-flips")).Single().Value > 0.95);
        Assert.Contains(rows, r => r.GetProperty("method").GetString() == "sae_top1");
        Assert.Contains(rows, r => r.GetProperty("method").GetString() == "sae_top5");
    }

    [Fact]
    public void Toxicity_transfer_pools_tokens_three_ways()
    {
        string outDir = Path.Combine(_p.Dir, "toxicity");
        var rows = RunAndCheck("toxicity-transfer", outDir, "evaluate", "toxicity-transfer", "--train", _p.Train, "--test", $"same={_p.Test}",
            "--test", $"longer={_p.Shifted}", "--sae", _p.Sae, "--top-n", "4,8", "--out", outDir);
        var pooled = rows.Where(r => r.TryGetProperty("pooling", out var p) && p.ValueKind == JsonValueKind.String).ToArray();
        Assert.Subset(pooled.Select(r => r.GetProperty("pooling").GetString()!).ToHashSet(), new HashSet<string> { "last", "mean", "max" });
        double best = rows.Where(r => r.GetProperty("dataset").GetString() == "same").Max(r => r.GetProperty("test_macro_f1").GetDouble());
        Assert.True(best > 0.9, $"best macro-F1 on the in-distribution test set: {best}");
    }

    [Fact]
    public void Random_baselines_and_export_compare_the_trained_SAE_with_a_frozen_random_decoder()
    {
        string outDir = Path.Combine(_p.Dir, "random-baselines");
        var rows = RunAndCheck("random-baselines/sparse-probing", outDir, "evaluate", "random-baselines", "sparse-probing", "--train", _p.Train,
            "--test", _p.Test, "--sae", _p.Sae, "--random-sae", _p.RandomSae, "--max-k", "16", "--out", outDir);
        Assert.Contains(rows, r => r.TryGetProperty("sae", out var s) && s.GetString() == "random");
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json"))))
        {
            var comparison = doc.RootElement.GetProperty("comparison").EnumerateArray().ToArray();
            Assert.NotEmpty(comparison);
            Assert.All(comparison, c => Assert.Equal(JsonValueKind.Number, c.GetProperty("margin").ValueKind));
        }

        string exportDir = Path.Combine(_p.Dir, "export");
        RunAndCheck("export", exportDir, "export", "--task", "answerability", "--acts", _p.Train, "--sae", _p.Sae, "--random-sae", _p.RandomSae,
            "--ood", $"shifted={_p.Shifted}", "--target-fpr", "0.1", "--out", exportDir);
        var dense = ProbeBundle.Load(Path.Combine(exportDir, "answerability-dense"));
        var sae = ProbeBundle.Load(Path.Combine(exportDir, "answerability-sae"));
        Assert.Equal(Layer, dense.Manifest.Model.Layer);
        Assert.Equal("sae-topk", sae.Manifest.Sae!.Id);
        Assert.NotNull(sae.Manifest.RandomBaselineMargin);
        Assert.True(dense.Manifest.Decision.OperatingPoint!.Fpr <= 0.1);
    }
}
