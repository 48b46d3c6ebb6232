using ProbeMonitor.Statistics;

namespace ProbeMonitor.Evaluation;

/// <summary>Fills a result row's test metrics from scores, optionally with a percentile-bootstrap 95 % interval on the AUC.</summary>
public static class RowScoring
{
    /// <summary>The row with test AUC, accuracy, weighted and macro F1, n_test and (when <paramref name="bootstrap"/> is given) the AUC interval.</summary>
    public static ResultRow Score(ResultRow row, double[] scores, int[] labels, double threshold = 0.0, BootstrapOptions? bootstrap = null)
    {
        var s = BinaryScores.Of(scores, labels, threshold);
        row = row with { TestAuc = s.Auc, TestAcc = s.Accuracy, TestF1 = s.WeightedF1, TestMacroF1 = s.MacroF1, NTest = labels.Length };
        if (bootstrap is null || !double.IsFinite(s.Auc)) return row;
        var ci = Bootstrap.RocAuc(scores, labels, bootstrap);
        return row with { AucCiLow = ci.Lower, AucCiHigh = ci.Upper };
    }
}
