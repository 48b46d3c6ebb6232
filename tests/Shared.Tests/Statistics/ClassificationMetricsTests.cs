using ProbeMonitor.Statistics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics;

public sealed class ClassificationMetricsTests
{
    [Fact]
    public void Threshold_metrics_by_hand()
    {
        // Predictions at 0.5: 1 1 0 0 1 0 against labels 1 0 1 0 1 0 → TP 2, FP 1, FN 1, TN 2.
        double[] s = [0.9, 0.6, 0.4, 0.2, 0.5, 0.49];
        int[] y = [1, 0, 1, 0, 1, 0];
        var c = ConfusionCounts.At(s, y, 0.5);
        Assert.Equal(new ConfusionCounts(2, 1, 2, 1), c);
        Assert.Equal(4.0 / 6, ThresholdMetrics.Accuracy(s, y));
        Assert.Equal(new PrecisionRecall(2.0 / 3, 2.0 / 3, 2.0 / 3), ThresholdMetrics.PrecisionRecallF1(s, y));
        Assert.Equal(1.0 / 3, c.FalsePositiveRate);
        // Nothing predicted positive: precision 0/0 is reported as 0, as sklearn does.
        var none = ConfusionCounts.At(s, y, 2.0);
        Assert.Equal(0, none.Precision);
        Assert.Equal(0, none.F1);
    }

    [Fact]
    public void Multiclass_f1_by_hand()
    {
        // actual 0 0 1 1 2 2, predicted 0 1 1 1 2 0:
        // class 0: TP 1, FP 1, FN 1 → F1 ½; class 1: TP 2, FP 1, FN 0 → 0.8; class 2: TP 1, FP 0, FN 1 → 2/3.
        int[] actual = [0, 0, 1, 1, 2, 2];
        int[] predicted = [0, 1, 1, 1, 2, 0];
        var per = MulticlassMetrics.PerClass(actual, predicted);
        Assert.Equal([0.5, 0.8, 2.0 / 3], per.Select(p => p.F1).ToArray());
        Assert.Equal((0.5 + 0.8 + 2.0 / 3) / 3, MulticlassMetrics.MacroF1(actual, predicted), 15);
        Assert.Equal((0.5 * 2 + 0.8 * 2 + 2.0 / 3 * 2) / 6, MulticlassMetrics.WeightedF1(actual, predicted), 15);
        Assert.Equal(4.0 / 6, MulticlassMetrics.Accuracy(actual, predicted));
        // A label only predicted (7) joins the classes with support 0 and F1 0, as sklearn's default labels do.
        var extra = MulticlassMetrics.PerClass([0, 1], [0, 7]);
        Assert.Equal([0, 1, 7], extra.Select(p => p.Label).ToArray());
        Assert.Equal(0, extra[2].Support);
    }

    [Fact]
    public void Brier_log_loss_by_hand_and_clipping()
    {
        Assert.Equal((0.01 + 0.04 + 0.09) / 3, ProbabilityScores.BrierScore([0.9, 0.2, 0.7], [1, 0, 1]), 15);
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.7)) / 3, ProbabilityScores.LogLoss([0.9, 0.2, 0.7], [1, 0, 1]), 15);
        // A certain mistake is clipped to −ln ε rather than +∞.
        Assert.Equal(-Math.Log(1e-15), ProbabilityScores.LogLoss([0.0], [1], 1e-15), 10);
        Assert.Contains("[0, 1]", Assert.Throws<ArgumentException>(() => ProbabilityScores.BrierScore([1.5], [1])).Message);
    }

    [Fact]
    public void Ece_by_hand_with_guo_bins()
    {
        // Top-label, 10 bins. p = 0.95 (y 1) and 0.85 (y 0) → confidences 0.95 (right) and 0.85 (wrong), in bins (0.9,1] and (0.8,0.9];
        // p = 0.3 (y 0) → confidence 0.7, predicted 0, right, in bin (0.6,0.7]; p = 0.6 (y 0) → 0.6, wrong, bin (0.5,0.6].
        double[] p = [0.95, 0.85, 0.3, 0.6];
        int[] y = [1, 0, 0, 0];
        double expected = (Math.Abs(1 - 0.95) + Math.Abs(0 - 0.85) + Math.Abs(1 - 0.7) + Math.Abs(0 - 0.6)) / 4;
        Assert.Equal(expected, Calibration.ExpectedCalibrationError(p, y), 14);
        Assert.Equal(0.85, Calibration.MaximumCalibrationError(p, y), 14);
        // Perfect calibration in every occupied bin: confidence 0.75 in one bin with 3 of 4 right.
        Assert.Equal(0, Calibration.ExpectedCalibrationError([0.75, 0.75, 0.75, 0.75], [1, 1, 1, 0]), 15);
        // Right-closed bins: 0.7 sits in (0.6, 0.7], not (0.7, 0.8].
        Assert.Equal(6, Calibration.BinOf(0.7, 10));
        Assert.Equal(0, Calibration.BinOf(0.0, 10));
        Assert.Equal(9, Calibration.BinOf(1.0, 10));
    }

    [PeerFact("python:sklearn")]
    public void Matches_sklearn_f1_brier_log_loss_and_a_numpy_ece()
    {
        var rng = new Random(99);
        int n = 1500;
        var y = Enumerable.Range(0, n).Select(_ => rng.Next(2)).ToArray();
        var p = y.Select(v => Math.Clamp(0.5 + (v - 0.5) * 0.6 + (rng.NextDouble() - 0.5) * 0.7, 0.0, 1.0)).ToArray();
        p[0] = 0; p[1] = 1; // exercise the clip
        var multiActual = Enumerable.Range(0, n).Select(_ => rng.Next(4)).ToArray();
        var multiPredicted = multiActual.Select(a => rng.NextDouble() < 0.6 ? a : rng.Next(5)).ToArray();
        var binaryPredicted = p.Select(v => v >= 0.5 ? 1 : 0).ToArray();
        var result = PythonJson.Run("""
            from sklearn.metrics import f1_score, precision_score, recall_score, accuracy_score, brier_score_loss, log_loss
            y = np.array(data['y']); p = np.array(data['p'])
            ma = data['ma']; mp = data['mp']
            def ece(conf, hit, bins=10):
                # Guo et al.: bins ((m-1)/M, m/M], confidence 0 in the first bin.
                idx = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
                total = 0.0
                for b in range(bins):
                    m = idx == b
                    if m.any(): total += m.sum() / len(conf) * abs(hit[m].mean() - conf[m].mean())
                return total
            pred = (p >= 0.5).astype(int)
            top = np.where(pred == 1, p, 1 - p)
            print(json.dumps({
              'macro': f1_score(ma, mp, average='macro'), 'weighted': f1_score(ma, mp, average='weighted'),
              'per': f1_score(ma, mp, average=None).tolist(), 'acc': accuracy_score(ma, mp),
              'bf1': f1_score(y, pred), 'bprec': precision_score(y, pred), 'brec': recall_score(y, pred),
              'brier': brier_score_loss(y, p), 'logloss': log_loss(y, p), 'logloss15': log_loss(y, p, eps=1e-15),
              'ece_top': ece(top, (pred == y).astype(float)), 'ece_pos': ece(p, y.astype(float), 15)}))
            """, new { y, p, ma = multiActual, mp = multiPredicted });
        Assert.Equal(PythonJson.Double(result["macro"]), MulticlassMetrics.MacroF1(multiActual, multiPredicted), 1e-12);
        Assert.Equal(PythonJson.Double(result["weighted"]), MulticlassMetrics.WeightedF1(multiActual, multiPredicted), 1e-12);
        Assert.Equal(PythonJson.Doubles(result["per"]), MulticlassMetrics.PerClass(multiActual, multiPredicted).Select(c => c.F1).ToArray(),
            new ToleranceComparer(1e-12));
        Assert.Equal(PythonJson.Double(result["acc"]), MulticlassMetrics.Accuracy(multiActual, multiPredicted), 1e-15);
        var binary = ThresholdMetrics.PrecisionRecallF1(p, y, 0.5);
        Assert.Equal(PythonJson.Double(result["bf1"]), binary.F1, 1e-12);
        Assert.Equal(PythonJson.Double(result["bprec"]), binary.Precision, 1e-12);
        Assert.Equal(PythonJson.Double(result["brec"]), binary.Recall, 1e-12);
        Assert.Equal(PythonJson.Double(result["bf1"]), MulticlassMetrics.PerClass(y, binaryPredicted)[1].F1, 1e-12);
        Assert.Equal(PythonJson.Double(result["brier"]), ProbabilityScores.BrierScore(p, y), 1e-12);
        Assert.Equal(PythonJson.Double(result["logloss"]), ProbabilityScores.LogLoss(p, y), 1e-9);
        Assert.Equal(PythonJson.Double(result["logloss15"]), ProbabilityScores.LogLoss(p, y, 1e-15), 1e-9);
        Assert.Equal(PythonJson.Double(result["ece_top"]), Calibration.ExpectedCalibrationError(p, y), 1e-12);
        Assert.Equal(PythonJson.Double(result["ece_pos"]), Calibration.ExpectedCalibrationError(p, y, 15, CalibrationMode.PositiveClass), 1e-12);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
