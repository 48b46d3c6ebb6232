using ProbeMonitor.Evaluation;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Evaluation;

public sealed class QuiverOfArrowsTests
{
    private static ResultRow Row(string setting, string method, double val, double test, int? k = null) =>
        new("d", setting, method, k, val, test, double.NaN, double.NaN);

    [Fact]
    public void Picks_by_validation_AUC_and_counts_SAE_wins_only_when_the_test_AUC_improves()
    {
        var rows = new[]
        {
            Row("normal", "logreg", 0.90, 0.88), Row("normal", "pca", 0.85, 0.91), Row("normal", "sae", 0.95, 0.93, 16),
            Row("noise", "logreg", 0.80, 0.80), Row("noise", "sae", 0.82, 0.70, 16),
            Row("ood", "logreg", 0.90, 0.70), Row("ood", "sae", 0.90, 0.75, 4), // tie on validation: the baseline stays
            Row("scarcity", "logreg", 0.7, 0.7),                                // no SAE row: no decision
        };
        var decisions = QuiverOfArrows.Decide(rows);
        Assert.Equal(3, decisions.Count);
        var normal = decisions.Single(d => d.Setting == "normal");
        Assert.Equal(("logreg", "sae"), (normal.Baseline.Method, normal.WithSae.Method));
        Assert.Equal(0.05, normal.Delta, 12);
        Assert.False(decisions.Single(d => d.Setting == "ood").SaeSelected);
        var summary = QuiverOfArrows.Summary(decisions);
        Assert.Equal(2.0 / 3, summary["sae_selected_rate"]!.GetValue<double>(), 12);
        Assert.Equal(1.0 / 3, summary["sae_win_rate"]!.GetValue<double>(), 12);
        Assert.Equal((0.05 - 0.10 + 0) / 3, summary["mean_delta_test_auc"]!.GetValue<double>(), 12);
    }
}
