namespace ProbeMonitor.Statistics;

/// <summary>Binary confusion counts at one threshold, and the rates derived from them.</summary>
/// <remarks>Ill-defined ratios (0/0) are 0, as scikit-learn reports them with zero_division left at its default.</remarks>
public readonly record struct ConfusionCounts(long TruePositives, long FalsePositives, long TrueNegatives, long FalseNegatives)
{
    /// <summary>All samples.</summary>
    public long Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    /// <summary>(TP + TN) / total.</summary>
    public double Accuracy => Ratio(TruePositives + TrueNegatives, Total);

    /// <summary>TP / (TP + FP).</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN), the true-positive rate.</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>FP / (FP + TN).</summary>
    public double FalsePositiveRate => Ratio(FalsePositives, FalsePositives + TrueNegatives);

    /// <summary>2TP / (2TP + FP + FN), the harmonic mean of precision and recall.</summary>
    public double F1 => Ratio(2 * TruePositives, 2 * TruePositives + FalsePositives + FalseNegatives);

    /// <summary>Counts when a score ≥ <paramref name="threshold"/> predicts class 1.</summary>
    public static ConfusionCounts At(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, double threshold)
    {
        StatisticsArguments.SameLength(scores.Length, labels.Length, nameof(scores), nameof(labels));
        StatisticsArguments.CountBinary(labels);
        StatisticsArguments.NoNaN(scores, nameof(scores));
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            bool predicted = scores[i] >= threshold;
            if (labels[i] == 1) { if (predicted) tp++; else fn++; }
            else { if (predicted) fp++; else tn++; }
        }
        return new ConfusionCounts(tp, fp, tn, fn);
    }

    /// <summary>Counts for float scores.</summary>
    public static ConfusionCounts At(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, double threshold) =>
        At(StatisticsArguments.Widen(scores), labels, threshold);

    /// <summary>Counts from hard 0/1 predictions.</summary>
    public static ConfusionCounts FromPredictions(ReadOnlySpan<int> predicted, ReadOnlySpan<int> labels)
    {
        StatisticsArguments.SameLength(predicted.Length, labels.Length, nameof(predicted), nameof(labels));
        StatisticsArguments.CountBinary(labels);
        StatisticsArguments.CountBinary(predicted, nameof(predicted));
        long tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] == 1) { if (predicted[i] == 1) tp++; else fn++; }
            else { if (predicted[i] == 1) fp++; else tn++; }
        }
        return new ConfusionCounts(tp, fp, tn, fn);
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
