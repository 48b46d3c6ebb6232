using System.Text.Json.Nodes;
using ProbeMonitor.Evaluation;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Evaluation;

/// <summary>The multi-dataset summary: its cells, means and quiver counts against values worked out by hand from the rows.</summary>
public sealed class SparseProbingSummaryTests
{
    private static ResultRow Row(string dataset, string method, int? k, double val, double test) =>
        new(dataset, "normal", method, k, val, test, 0.5, 0.5) { NTrain = 100, NTest = 50 };

    private static ProtocolResult Run(string dataset, string warning, params ResultRow[] rows) =>
        new("sparse-probing", rows, new JsonObject
        {
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = dataset }),
            ["seed"] = 42,
            ["quiver"] = new JsonObject { ["settings"] = 1 },
        }, [warning], "", new Dictionary<string, string>());

    [Fact]
    public void Cells_means_and_quiver_follow_the_rows()
    {
        // A: the SAE's best validation AUC (k=2, 0.75) beats logreg's (0.70), so the quiver picks it and loses 0.10.
        // B: logreg's validation AUC (0.55) beats the SAE's (0.50): no SAE pick, Δ 0.
        var a = Run("A", "wa", Row("A", "logreg", null, 0.70, 0.80), Row("A", "sae", 1, 0.60, 0.65), Row("A", "sae", 2, 0.75, 0.70),
            Row("A", "quiver(baselines)", null, 0.70, 0.80));
        var b = Run("B", "wb", Row("B", "logreg", null, 0.55, 0.60), Row("B", "sae", 1, 0.50, 0.52));
        var summary = SparseProbingSummary.Combine([("A", "A", a), ("B", "B", b)]);

        Assert.Equal(6, summary.Rows.Count);
        Assert.Equal(["A: wa", "B: wb"], summary.Warnings);
        Assert.Equal(2, summary.Sections["inputs"]!.AsArray().Count);
        Assert.Equal(42, summary.Sections["seed"]!.GetValue<int>());
        Assert.Equal(2, SparseProbingSummary.Best(summary.Rows, "A", "sae")!.K);

        var quiver = summary.Sections["quiver"]!;
        Assert.Equal(2, quiver["settings"]!.GetValue<int>());
        Assert.Equal(0.5, quiver["sae_selected_rate"]!.GetValue<double>());
        Assert.Equal(0.0, quiver["sae_win_rate"]!.GetValue<double>());
        Assert.Equal(-0.05, quiver["mean_delta_test_auc"]!.GetValue<double>(), 12);

        string md = summary.Markdown;
        Assert.Contains("| [A](A/report.md) | 100 | 50 | 0.800 | 0.700 (k=2) | – | 0.800 | 0.700 (sae k=2) | -0.100 |", md);
        Assert.Contains("| [B](B/report.md) | 100 | 50 | 0.600 | 0.520 (k=1) | – | 0.600 | 0.600 (logreg) | +0.000 |", md);
        // Means: logreg (0.80 + 0.60) / 2, SAE (0.70 + 0.52) / 2, quiver(+sae) (0.70 + 0.60) / 2.
        Assert.Contains("| **mean** |  |  | 0.700 | 0.610 | – | 0.700 | 0.650 | -0.050 |", md);
        Assert.Contains("picked on 1 of 2 datasets", md);
        Assert.True(summary.Charts.ContainsKey(SparseProbingSummary.Chart));
    }

    [Fact]
    public void No_runs_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => SparseProbingSummary.Combine([]));
    }
}
