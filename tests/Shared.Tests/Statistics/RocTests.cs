using ProbeMonitor.Statistics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics;

public sealed class RocTests
{
    /// <summary>The definition itself: over all (positive, negative) pairs, 1 for a win, ½ for a tie.</summary>
    private static double BruteForceAuc(double[] scores, int[] labels)
    {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.Length; i++)
            for (int j = 0; j < scores.Length; j++)
                if (labels[i] == 1 && labels[j] == 0)
                {
                    pairs++;
                    wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
        return wins / pairs;
    }

    [Fact]
    public void Hand_computed_cases_with_ties()
    {
        // Perfect ranking, perfectly wrong ranking, all tied.
        Assert.Equal(1.0, Roc.RocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1]));
        Assert.Equal(0.0, Roc.RocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1]));
        Assert.Equal(0.5, Roc.RocAuc([3.0, 3.0, 3.0, 3.0], [0, 1, 0, 1]));
        // Positives {2, 3}, negatives {1, 2}: pairs (2,1) win, (2,2) tie, (3,1) win, (3,2) win → 3.5 / 4.
        Assert.Equal(0.875, Roc.RocAuc([2.0, 3.0, 1.0, 2.0], [1, 1, 0, 0]));
        // sklearn's docstring example: roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) = 0.75.
        Assert.Equal(0.75, Roc.RocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]));
    }

    [Fact]
    public void Matches_brute_force_pair_counting_on_random_data_with_many_ties()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 40; trial++)
        {
            int n = rng.Next(2, 300);
            var labels = new int[n];
            var scores = new double[n];
            for (int i = 0; i < n; i++)
            {
                labels[i] = rng.Next(2);
                scores[i] = rng.Next(6) + labels[i] * rng.Next(3); // 8 distinct values: heavy ties, weak signal
            }
            labels[0] = 0;
            labels[1] = 1;
            Assert.Equal(BruteForceAuc(scores, labels), Roc.RocAuc(scores, labels), 14);
            Assert.Equal(BruteForceAuc(scores, labels), Roc.Curve(scores, labels).TrapezoidArea(), 12);
        }
    }

    [Fact]
    public void Float_overload_agrees_with_double()
    {
        float[] scores = [0.25f, 0.5f, 0.5f, 0.75f, 0.1f];
        int[] labels = [0, 1, 0, 1, 0];
        Assert.Equal(Roc.RocAuc(scores.Select(s => (double)s).ToArray(), labels), Roc.RocAuc(scores, labels));
    }

    [Fact]
    public void Single_class_throws_naming_the_missing_class_and_try_returns_false()
    {
        var ex = Assert.Throws<ArgumentException>(() => Roc.RocAuc([0.1, 0.2], [1, 1]));
        Assert.Contains("no negative", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Roc.RocAuc([0.1, 0.2], [0, 0]));
        Assert.Contains("no positive", ex.Message);
        Assert.False(Roc.TryRocAuc([0.1, 0.2], [0, 0], out var auc));
        Assert.True(double.IsNaN(auc));
        Assert.Contains("labels[1] is 2", Assert.Throws<ArgumentException>(() => Roc.RocAuc([0.1, 0.2], [0, 2])).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Roc.RocAuc([double.NaN, 0.2], [0, 1])).Message);
        Assert.Throws<ArgumentException>(() => Roc.RocAuc([0.1], [0, 1]));
    }

    [Fact]
    public void Curve_and_threshold_at_fpr_follow_the_definition()
    {
        // Negatives 0.1 0.2 0.3 0.4 0.6, positives 0.35 0.5 0.7 0.8 0.9.
        double[] s = [0.1, 0.2, 0.3, 0.4, 0.6, 0.35, 0.5, 0.7, 0.8, 0.9];
        int[] y = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
        var curve = Roc.Curve(s, y);
        Assert.Equal(11, curve.Count);
        Assert.Equal(double.PositiveInfinity, curve.Thresholds[0]);
        Assert.Equal((0.0, 0.0), (curve.FalsePositiveRates[0], curve.TruePositiveRates[0]));
        Assert.Equal((1.0, 1.0), (curve.FalsePositiveRates[^1], curve.TruePositiveRates[^1]));

        // FPR ≤ 0.2 allows one negative (0.6) above the threshold; the smallest such observed score is 0.5 (FPR 0.2, TPR 0.8).
        var point = Roc.ThresholdAtFpr(s, y, 0.2);
        Assert.Equal(new OperatingPoint(0.5, 0.2, 0.8), point);
        // FPR ≤ 0.1 allows none: 0.7 keeps every negative below (TPR 0.6).
        Assert.Equal(new OperatingPoint(0.7, 0.0, 0.6), Roc.ThresholdAtFpr(s, y, 0.1));
        Assert.Equal(0.1, Roc.ThresholdAtFpr(s, y, 1.0).Threshold);
        // From negatives alone the candidates are negative scores: 0.6 is the smallest with ≤ 20% of negatives at or above it.
        Assert.Equal(0.6, Roc.ThresholdAtFpr(s.AsSpan(0, 5), 0.2));
        Assert.Equal(double.PositiveInfinity, Roc.ThresholdAtFpr(s.AsSpan(0, 5), 0.1));
    }

    [Fact]
    public void Threshold_at_fpr_is_the_smallest_observed_score_within_budget_by_brute_force()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 30; trial++)
        {
            int n = rng.Next(5, 200);
            var s = new double[n];
            var y = new int[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = i < 2 ? i : rng.Next(2);
                s[i] = Math.Round(rng.NextDouble() + 0.3 * y[i], 2);
            }
            double target = rng.NextDouble() * 0.3;
            long negatives = y.Count(v => v == 0), positives = n - negatives;
            double best = double.PositiveInfinity;
            foreach (var t in s)
            {
                long fp = s.Where((v, i) => y[i] == 0 && v >= t).LongCount();
                if ((double)fp / negatives <= target && t < best) best = t;
            }
            var point = Roc.ThresholdAtFpr(s, y, target);
            Assert.Equal(best, point.Threshold);
            if (!double.IsInfinity(best))
                Assert.Equal((double)s.Where((v, i) => y[i] == 1 && v >= best).Count() / positives, point.TruePositiveRate, 14);
        }
    }

    [PeerFact("python:sklearn")]
    public void Matches_sklearn_roc_auc_score_and_roc_curve()
    {
        var rng = new Random(2024);
        var cases = new List<(double[] S, int[] Y)>();
        for (int c = 0; c < 6; c++)
        {
            int n = 50 + 400 * c;
            var y = Enumerable.Range(0, n).Select(i => i < 2 ? i : rng.Next(2)).ToArray();
            // Half the cases round scores to 1 decimal to force ties.
            var s = y.Select(v => Math.Round(rng.NextDouble() + 0.4 * v, c % 2 == 0 ? 1 : 15)).ToArray();
            cases.Add((s, y));
        }
        var result = PythonJson.Run("""
            from sklearn.metrics import roc_auc_score, roc_curve
            out = []
            for c in data:
                fpr, tpr, thr = roc_curve(c['y'], c['s'], drop_intermediate=False)
                out.append({'auc': roc_auc_score(c['y'], c['s']), 'fpr': fpr.tolist(), 'tpr': tpr.tolist(), 'thr': thr[1:].tolist()})
            print(json.dumps(out))
            """, cases.Select(c => new { s = c.S, y = c.Y }).ToArray());
        for (int c = 0; c < cases.Count; c++)
        {
            var expected = result[c]!;
            Assert.Equal(PythonJson.Double(expected["auc"]), Roc.RocAuc(cases[c].S, cases[c].Y), 1e-12);
            var curve = Roc.Curve(cases[c].S, cases[c].Y);
            Assert.Equal(PythonJson.Doubles(expected["fpr"]), curve.FalsePositiveRates);
            Assert.Equal(PythonJson.Doubles(expected["tpr"]), curve.TruePositiveRates);
            Assert.Equal(PythonJson.Doubles(expected["thr"]), curve.Thresholds[1..]);
        }
    }
}
