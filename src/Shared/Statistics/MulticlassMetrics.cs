namespace ProbeMonitor.Statistics;

/// <summary>Per-class, macro- and support-weighted F1 of hard predictions over any integer labels (binary included).</summary>
/// <remarks>
/// The classes are the sorted union of labels seen in <c>actual</c> and <c>predicted</c>, as scikit-learn's f1_score uses by default.
/// Ill-defined precision or recall (0/0) counts as 0. Macro-F1 is the plain mean over classes; weighted-F1 weights each class
/// by its support in <c>actual</c>.
/// </remarks>
public static class MulticlassMetrics
{
    /// <summary>Scores for every class, sorted by label.</summary>
    public static ClassScores[] PerClass(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        StatisticsArguments.SameLength(actual.Length, predicted.Length, nameof(actual), nameof(predicted));
        StatisticsArguments.NotEmpty(actual.Length, nameof(actual));
        var classes = new SortedSet<int>();
        foreach (var y in actual) classes.Add(y);
        foreach (var y in predicted) classes.Add(y);
        var labels = classes.ToArray();
        var tp = new long[labels.Length];
        var support = new long[labels.Length];
        var predictedCount = new long[labels.Length];
        for (int i = 0; i < actual.Length; i++)
        {
            int a = Array.BinarySearch(labels, actual[i]);
            int p = Array.BinarySearch(labels, predicted[i]);
            support[a]++;
            predictedCount[p]++;
            if (a == p) tp[a]++;
        }
        var result = new ClassScores[labels.Length];
        for (int c = 0; c < labels.Length; c++)
        {
            long fp = predictedCount[c] - tp[c], fn = support[c] - tp[c];
            double precision = predictedCount[c] == 0 ? 0 : (double)tp[c] / predictedCount[c];
            double recall = support[c] == 0 ? 0 : (double)tp[c] / support[c];
            long f1Denominator = 2 * tp[c] + fp + fn;
            double f1 = f1Denominator == 0 ? 0 : 2.0 * tp[c] / f1Denominator;
            result[c] = new ClassScores(labels[c], support[c], precision, recall, f1);
        }
        return result;
    }

    /// <summary>Unweighted mean of the per-class F1 scores.</summary>
    public static double MacroF1(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        var scores = PerClass(actual, predicted);
        double sum = 0;
        foreach (var s in scores) sum += s.F1;
        return sum / scores.Length;
    }

    /// <summary>Mean of the per-class F1 scores weighted by each class's support in <paramref name="actual"/>.</summary>
    public static double WeightedF1(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        var scores = PerClass(actual, predicted);
        double sum = 0;
        long total = 0;
        foreach (var s in scores)
        {
            sum += s.F1 * s.Support;
            total += s.Support;
        }
        return sum / total;
    }

    /// <summary>Fraction of exact matches.</summary>
    public static double Accuracy(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        StatisticsArguments.SameLength(actual.Length, predicted.Length, nameof(actual), nameof(predicted));
        StatisticsArguments.NotEmpty(actual.Length, nameof(actual));
        long hits = 0;
        for (int i = 0; i < actual.Length; i++) if (actual[i] == predicted[i]) hits++;
        return (double)hits / actual.Length;
    }
}
