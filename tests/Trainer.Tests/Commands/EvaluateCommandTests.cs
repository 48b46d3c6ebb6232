using System.CommandLine;
using System.Text.Json;
using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Trainer.Commands;
using Xunit;
using static ProbeMonitor.Shared.Tests.Evaluation.SyntheticEvaluationData;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>The evaluate and export verbs end to end on small synthetic files with a planted signal and a tiny JumpReLU SAE.</summary>
public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDir("pm-evaluate-cli");
    private readonly string _train, _test, _sae, _random;

    public EvaluateCommandTests()
    {
        var (x, y) = Pooled(300, 5, seed: 1);
        var (xt, yt) = Pooled(200, 5, seed: 2);
        _train = WritePooled(Path.Combine(_dir, "planted.safetensors"), x, y);
        _test = WritePooled(Path.Combine(_dir, "planted-test.safetensors"), xt, yt);
        _sae = SaveSae(TinySae(planted: true), Path.Combine(_dir, "sae"));
        _random = SaveSae(TinySae(planted: false, seed: 5), Path.Combine(_dir, "random-sae"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TrainerCli.Build().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static JsonElement Results(string dir) => JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json"))).RootElement;

    [Fact]
    public void Sparse_probing_writes_results_report_and_charts()
    {
        var outDir = Path.Combine(_dir, "sp");
        var (code, stdout, stderr) = Invoke("evaluate", "sparse-probing", "--train", _train, "--test", _test, "--methods", "logreg,knn,attn,sae",
            "--sae", _sae, "--max-k", "4", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.Contains("results.json", stdout);
        var root = Results(outDir);
        Assert.Equal("sparse-probing", root.GetProperty("protocol").GetString());
        var rows = root.GetProperty("rows").EnumerateArray().ToArray();
        var logreg = rows.Single(r => r.GetProperty("method").GetString() == "logreg" && r.GetProperty("setting").GetString() == "normal");
        Assert.True(logreg.GetProperty("test_auc").GetDouble() > 0.9);
        Assert.Equal(JsonValueKind.Null, logreg.GetProperty("k").ValueKind);
        var attn = rows.Single(r => r.GetProperty("method").GetString() == "attn");
        Assert.Equal(JsonValueKind.Null, attn.GetProperty("test_auc").ValueKind); // skipped: pooled file
        Assert.Contains(root.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("--pooling none"));
        Assert.True(File.Exists(Path.Combine(outDir, "report.md")));
        Assert.NotEmpty(Directory.GetFiles(outDir, "*.svg"));
    }

    [Fact]
    public void Answerability_and_its_random_baseline_run_from_the_command_line()
    {
        var (xo, yo) = Pooled(100, 4, seed: 7);
        var ood = WritePooled(Path.Combine(_dir, "ood.safetensors"), xo, yo);
        var outDir = Path.Combine(_dir, "ans");
        var (code, _, stderr) = Invoke("evaluate", "random-baselines", "answerability", "--acts", _train, "--sae", _sae, "--random-sae", _random,
            "--ood", $"boolq={ood}", "--top-k", "5", "--out", outDir);
        Assert.True(code == 0, stderr);
        var root = Results(outDir);
        Assert.Equal("random-baselines/answerability", root.GetProperty("protocol").GetString());
        var top1 = root.GetProperty("comparison").EnumerateArray().First(c => c.GetProperty("method").GetString() == "sae_top1" && c.GetProperty("dataset").GetString() == "boolq");
        Assert.True(top1.GetProperty("beats_random").GetBoolean());
        Assert.Contains("SAE top-1", File.ReadAllText(Path.Combine(outDir, "report.md")));
    }

    [Fact]
    public void Toxicity_transfer_reads_token_files_per_language()
    {
        var (v, l, y) = Tokens(160, 5, 6, seed: 1);
        var (fv, fl, fy) = Tokens(80, 5, 6, seed: 2);
        var en = WriteTokens(Path.Combine(_dir, "en.safetensors"), v, l, y, 5);
        var fr = WriteTokens(Path.Combine(_dir, "fr.safetensors"), fv, fl, fy, 5);
        var outDir = Path.Combine(_dir, "tox");
        var (code, _, stderr) = Invoke("evaluate", "toxicity-transfer", "--train", en, "--test", $"fr={fr}", "--sae", _sae, "--top-n", "2", "--out", outDir);
        Assert.True(code == 0, stderr);
        var rows = Results(outDir).GetProperty("rows").EnumerateArray().ToArray();
        Assert.Contains(rows, r => r.GetProperty("dataset").GetString() == "fr" && r.GetProperty("pooling").GetString() == "mean");
        Assert.True(rows.Where(r => r.GetProperty("dataset").GetString() == "fr").Max(r => r.GetProperty("test_macro_f1").GetDouble()) > 0.85);
    }

    [Fact]
    public void Export_writes_loadable_dense_and_SAE_bundles_with_provenance()
    {
        var outDir = Path.Combine(_dir, "export");
        var (code, stdout, stderr) = Invoke("export", "--task", "toxicity", "--acts", _train, "--sae", _sae, "--random-sae", _random, "--ood", $"shifted={_test}",
            "--target-fpr", "0.1", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.Contains("toxicity-sae", stdout);
        var sae = ProbeBundle.Load(Path.Combine(outDir, "toxicity-sae"));
        var dense = ProbeBundle.Load(Path.Combine(outDir, "toxicity-dense"));
        Assert.Equal(ProbeKind.Sae, sae.Manifest.Kind);
        Assert.Equal(ProbeKind.Dense, dense.Manifest.Kind);
        Assert.Equal("sae", sae.Manifest.Sae!.Id);
        Assert.Equal("tiny-gemma", dense.Manifest.Model.Id); // from the file's model metadata
        Assert.StartsWith("probemonitor-trainer export --task toxicity", dense.Manifest.Provenance.Command);
        Assert.Equal(0.1, dense.Manifest.Decision.OperatingPoint!.TargetFpr);
        Assert.True(dense.Manifest.Decision.OperatingPoint.Fpr <= 0.1);
        Assert.NotNull(sae.Manifest.RandomBaselineMargin);
        Assert.Equal("export", Results(outDir).GetProperty("protocol").GetString());

        var (again, _, error) = Invoke("export", "--task", "toxicity", "--acts", _train, "--out", outDir);
        Assert.Equal(1, again);
        Assert.Contains("already exists", error);
    }

    [Fact]
    public void Bad_inputs_fail_with_one_clear_error_line()
    {
        var (x, y) = Pooled(20, 1, seed: 3);
        x[7] = float.NaN;
        var nan = WritePooled(Path.Combine(_dir, "nan.safetensors"), x, y);
        var (code, _, stderr) = Invoke("evaluate", "sparse-probing", "--train", nan, "--test", _test, "--out", Path.Combine(_dir, "x"));
        Assert.Equal(1, code);
        Assert.StartsWith("error:", stderr.Trim().Split('\n')[^1]);
        Assert.Contains("row 0, element 7", stderr);

        var wide = Pooled(30, 1, seed: 4);
        var other = Path.Combine(_dir, "wide.safetensors");
        ProbeMonitor.Formats.Safetensors.SafetensorsWriter.Write(other,
            [ProbeMonitor.Formats.Safetensors.TensorToWrite.Singles(Key, wide.X.Concat(wide.X).ToArray(), 30, 2 * Dim),
             ProbeMonitor.Formats.Safetensors.TensorToWrite.Int64("labels", wide.Y.Select(v => (long)v).ToArray(), 30)]);
        (code, _, stderr) = Invoke("evaluate", "answerability", "--acts", other, "--sae", _sae, "--out", Path.Combine(_dir, "y"));
        Assert.Equal(1, code);
        Assert.Contains("d_in = 32", stderr);

        var empty = Path.Combine(_dir, "empty.safetensors");
        ProbeMonitor.Formats.Safetensors.SafetensorsWriter.Write(empty,
            [ProbeMonitor.Formats.Safetensors.TensorToWrite.Singles(Key, [], 0, Dim), ProbeMonitor.Formats.Safetensors.TensorToWrite.Int64("labels", [], 0)]);
        (code, _, stderr) = Invoke("evaluate", "sparse-probing", "--train", empty, "--test", _test, "--out", Path.Combine(_dir, "z"));
        Assert.Equal(1, code);
        Assert.Contains("empty", stderr);
    }
}
