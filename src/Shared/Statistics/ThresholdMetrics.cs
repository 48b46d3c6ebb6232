namespace ProbeMonitor.Statistics;

/// <summary>Accuracy, precision, recall and F1 of binary scores thresholded at a fixed value (score ≥ threshold predicts 1).</summary>
public static class ThresholdMetrics
{
    /// <summary>Fraction of samples classified correctly.</summary>
    public static double Accuracy(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, double threshold = 0.5) =>
        ConfusionCounts.At(scores, labels, threshold).Accuracy;

    /// <summary>Accuracy for float scores.</summary>
    public static double Accuracy(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, double threshold = 0.5) =>
        ConfusionCounts.At(scores, labels, threshold).Accuracy;

    /// <summary>Precision, recall and F1 of class 1.</summary>
    public static PrecisionRecall PrecisionRecallF1(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, double threshold = 0.5)
    {
        var c = ConfusionCounts.At(scores, labels, threshold);
        return new PrecisionRecall(c.Precision, c.Recall, c.F1);
    }

    /// <summary>Precision, recall and F1 for float scores.</summary>
    public static PrecisionRecall PrecisionRecallF1(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, double threshold = 0.5)
    {
        var c = ConfusionCounts.At(scores, labels, threshold);
        return new PrecisionRecall(c.Precision, c.Recall, c.F1);
    }
}

