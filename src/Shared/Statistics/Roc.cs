namespace ProbeMonitor.Statistics;

/// <summary>Receiver operating characteristic: rank-based AUC with ties, the curve, and the threshold at a target false-positive rate.</summary>
/// <remarks>
/// Labels are 0 (negative) or 1 (positive); a higher score means "more positive". The AUC is the Mann–Whitney
/// probability P(s⁺ &gt; s⁻) + ½ P(s⁺ = s⁻), computed exactly from midranks: within each group of tied scores a
/// positive wins against every negative below the group and half-wins against every negative inside it.
/// </remarks>
public static class Roc
{
    /// <summary>ROC-AUC; throws <see cref="ArgumentException"/> when the labels hold only one class (the AUC is undefined).</summary>
    public static double RocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        if (!TryRocAuc(scores, labels, out double auc))
        {
            var (positives, _) = StatisticsArguments.CountBinary(labels);
            string missing = positives == 0 ? "no positive (label 1)" : "no negative (label 0)";
            throw new ArgumentException($"ROC-AUC is undefined: labels hold {missing} samples among {labels.Length}.", nameof(labels));
        }
        return auc;
    }

    /// <summary>ROC-AUC of float scores; see <see cref="RocAuc(ReadOnlySpan{double}, ReadOnlySpan{int})"/>.</summary>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels) => RocAuc(StatisticsArguments.Widen(scores), labels);

    /// <summary>ROC-AUC, or false (and NaN) when the labels hold only one class; other bad input still throws.</summary>
    public static bool TryRocAuc(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, out double auc)
    {
        StatisticsArguments.SameLength(scores.Length, labels.Length, nameof(scores), nameof(labels));
        StatisticsArguments.NoNaN(scores, nameof(scores));
        var (positives, negatives) = StatisticsArguments.CountBinary(labels);
        if (positives == 0 || negatives == 0)
        {
            auc = double.NaN;
            return false;
        }
        var (sorted, sortedLabels) = SortAscending(scores, labels);
        // Twice the Mann–Whitney count stays an exact integer: 2·wins + ties.
        long twiceWins = 0, negativesBelow = 0;
        for (int i = 0; i < sorted.Length;)
        {
            long pos = 0, neg = 0;
            int j = i;
            for (; j < sorted.Length && sorted[j] == sorted[i]; j++)
                if (sortedLabels[j] == 1) pos++; else neg++;
            twiceWins += pos * (2 * negativesBelow + neg);
            negativesBelow += neg;
            i = j;
        }
        auc = twiceWins / (2.0 * positives * negatives);
        return true;
    }

    /// <summary>ROC-AUC of float scores, or false when one class is missing.</summary>
    public static bool TryRocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, out double auc) =>
        TryRocAuc(StatisticsArguments.Widen(scores), labels, out auc);

    /// <summary>The full ROC curve; both classes must be present.</summary>
    public static RocCurve Curve(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        StatisticsArguments.SameLength(scores.Length, labels.Length, nameof(scores), nameof(labels));
        StatisticsArguments.NoNaN(scores, nameof(scores));
        var (positives, negatives) = StatisticsArguments.CountBinary(labels);
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"the ROC curve needs both classes; labels hold {positives} positives and {negatives} negatives.", nameof(labels));
        var (sorted, sortedLabels) = SortAscending(scores, labels);
        var thresholds = new List<double> { double.PositiveInfinity };
        var fpr = new List<double> { 0 };
        var tpr = new List<double> { 0 };
        long tp = 0, fp = 0;
        for (int i = sorted.Length - 1; i >= 0;)
        {
            int j = i;
            for (; j >= 0 && sorted[j] == sorted[i]; j--)
                if (sortedLabels[j] == 1) tp++; else fp++;
            thresholds.Add(sorted[i]);
            fpr.Add((double)fp / negatives);
            tpr.Add((double)tp / positives);
            i = j;
        }
        return new RocCurve(thresholds.ToArray(), fpr.ToArray(), tpr.ToArray());
    }

    /// <summary>The ROC curve of float scores.</summary>
    public static RocCurve Curve(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels) => Curve(StatisticsArguments.Widen(scores), labels);

    /// <summary>
    /// The smallest threshold t among the observed scores and +∞ whose false-positive rate #{negatives with score ≥ t} / #negatives
    /// is at most <paramref name="targetFpr"/>, with its FPR and TPR. Smaller thresholds catch more positives, so this is the most
    /// sensitive operating point that keeps the FPR budget ("threshold at 5% FPR" is <c>targetFpr = 0.05</c>).
    /// </summary>
    public static OperatingPoint ThresholdAtFpr(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, double targetFpr)
    {
        StatisticsArguments.Probability(targetFpr, nameof(targetFpr));
        var curve = Curve(scores, labels);
        // FPR rises as the threshold falls along the curve, so the last point within budget is the answer.
        int best = 0;
        for (int i = 1; i < curve.Count && curve.FalsePositiveRates[i] <= targetFpr; i++) best = i;
        return curve[best];
    }

    /// <summary>Threshold at a target FPR for float scores.</summary>
    public static OperatingPoint ThresholdAtFpr(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, double targetFpr) =>
        ThresholdAtFpr(StatisticsArguments.Widen(scores), labels, targetFpr);

    /// <summary>
    /// The same rule from negatives alone (no labels needed): the smallest negative score t, or +∞, such that the fraction of
    /// negatives scoring ≥ t is at most <paramref name="targetFpr"/>. Use it to calibrate on benign traffic only.
    /// </summary>
    public static double ThresholdAtFpr(ReadOnlySpan<double> negativeScores, double targetFpr)
    {
        StatisticsArguments.Probability(targetFpr, nameof(targetFpr));
        StatisticsArguments.NotEmpty(negativeScores.Length, nameof(negativeScores));
        StatisticsArguments.NoNaN(negativeScores, nameof(negativeScores));
        var sorted = negativeScores.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        double best = double.PositiveInfinity;
        for (int i = n - 1; i >= 0;)
        {
            int j = i;
            while (j >= 0 && sorted[j] == sorted[i]) j--;
            long atOrAbove = n - 1 - j;
            if ((double)atOrAbove / n > targetFpr) break;
            best = sorted[i];
            i = j;
        }
        return best;
    }

    private static (double[] Scores, int[] Labels) SortAscending(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels)
    {
        var sorted = scores.ToArray();
        var sortedLabels = labels.ToArray();
        Array.Sort(sorted, sortedLabels);
        return (sorted, sortedLabels);
    }
}
