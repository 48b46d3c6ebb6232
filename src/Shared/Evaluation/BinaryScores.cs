using ProbeMonitor.Statistics;

namespace ProbeMonitor.Evaluation;

/// <summary>Test metrics of real-valued scores against 0/1 labels: AUC, accuracy and F1 at a decision threshold.</summary>
/// <param name="Auc">ROC-AUC (NaN when the labels hold one class).</param>
/// <param name="Accuracy">Accuracy of score ≥ threshold → 1 (for logits the threshold is 0, as sklearn's predict).</param>
/// <param name="WeightedF1">F1 averaged over both classes weighted by support (sklearn average="weighted").</param>
/// <param name="MacroF1">F1 averaged over both classes (sklearn average="macro").</param>
public sealed record BinaryScores(double Auc, double Accuracy, double WeightedF1, double MacroF1)
{
    /// <summary>Scores logits (or probabilities with <paramref name="threshold"/> 0.5); predictions are score &gt; threshold, as sklearn's decision_function &gt; 0.</summary>
    public static BinaryScores Of(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels, double threshold = 0.0, bool inclusive = false)
    {
        if (scores.Length != labels.Length) throw new ArgumentException($"{scores.Length} scores but {labels.Length} labels.", nameof(labels));
        if (scores.Length == 0) throw new ArgumentException("no examples to score.", nameof(scores));
        double auc = Roc.TryRocAuc(scores, labels, out double a) ? a : double.NaN;
        var predicted = new int[scores.Length];
        for (int i = 0; i < predicted.Length; i++)
            predicted[i] = inclusive ? (scores[i] >= threshold ? 1 : 0) : (scores[i] > threshold ? 1 : 0);
        return new BinaryScores(auc, MulticlassMetrics.Accuracy(labels, predicted),
            MulticlassMetrics.WeightedF1(labels, predicted), MulticlassMetrics.MacroF1(labels, predicted));
    }
}
