using System.Text.Json;
using System.Xml.Linq;
using ProbeMonitor.Sae;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>The sae-synthetic verb on a small configuration: every artefact is written and readable.</summary>
public sealed class SaeSyntheticCommandTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDir("pm-sae-synthetic");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Writes_results_report_charts_and_the_four_SAEs()
    {
        var outDir = Path.Combine(_dir, "run");
        var (code, stdout, stderr) = TrainSaeCommandTests.Invoke("sae-synthetic", "--features", "48", "--dim", "16", "--sparsity", "3",
            "--steps", "60", "--batch", "64", "--train-samples", "2048", "--eval-samples", "256", "--lr", "0.003", "--correlation", "0.3", "--out", outDir);
        Assert.True(code == 0, stderr);
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")));
        var runs = results.RootElement.GetProperty("runs");
        Assert.Equal(["trained", "frozen decoder", "soft-frozen decoder", "frozen encoder"], runs.EnumerateArray().Select(r => r.GetProperty("variant").GetString()!));
        foreach (var r in runs.EnumerateArray())
        {
            Assert.InRange(r.GetProperty("recovered_fraction").GetDouble(), 0, 1);
            Assert.Equal(48, r.GetProperty("best_cosine_per_feature").GetArrayLength());
        }
        Assert.Equal(0.71, results.RootElement.GetProperty("paper").GetProperty("explained_variance").GetDouble());
        var report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| trained |", report);
        Assert.Contains("paper", report);
        foreach (var svg in new[] { "ev_vs_recovery.svg", "training_fvu.svg" })
            Assert.Equal("svg", XDocument.Load(Path.Combine(outDir, svg)).Root!.Name.LocalName);
        foreach (var variant in new[] { "none", "decoder", "soft-decoder", "encoder" })
            Assert.Equal(16, SaeLensDirectory.Load(Path.Combine(outDir, "saes", variant)).DIn);
        Assert.Contains("explained variance", stdout);
    }

    [Fact]
    public void Bad_options_are_refused_before_any_training()
    {
        var (code, _, stderr) = TrainSaeCommandTests.Invoke("sae-synthetic", "--features", "0", "--out", Path.Combine(_dir, "x"));
        Assert.Equal(1, code);
        Assert.Contains("--features", stderr);
        (code, _, stderr) = TrainSaeCommandTests.Invoke("sae-synthetic", "--correlation", "1.5", "--out", Path.Combine(_dir, "x"));
        Assert.Equal(1, code);
        Assert.Contains("--correlation", stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "x")));
    }
}
