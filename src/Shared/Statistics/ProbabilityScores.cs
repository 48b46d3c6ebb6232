namespace ProbeMonitor.Statistics;

/// <summary>Proper scoring rules for predicted probabilities of class 1: Brier score and log loss.</summary>
public static class ProbabilityScores
{
    /// <summary>Machine epsilon of double, scikit-learn's default clip for float64 log loss (eps="auto" since 1.2).</summary>
    public const double DefaultLogLossEpsilon = 2.220446049250313e-16;

    /// <summary>Mean of (p − y)², as sklearn.metrics.brier_score_loss.</summary>
    public static double BrierScore(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        Check(probabilities, labels);
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double e = probabilities[i] - labels[i];
            sum += e * e;
        }
        return sum / probabilities.Length;
    }

    /// <summary>Brier score of float probabilities.</summary>
    public static double BrierScore(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels) =>
        BrierScore(StatisticsArguments.Widen(probabilities), labels);

    /// <summary>
    /// Mean negative log-likelihood −[y ln p + (1 − y) ln(1 − p)], with p clipped to [ε, 1 − ε] so a confident mistake costs
    /// a large but finite amount (sklearn.metrics.log_loss with the same eps).
    /// </summary>
    public static double LogLoss(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels, double epsilon = DefaultLogLossEpsilon)
    {
        Check(probabilities, labels);
        if (!(epsilon >= 0 && epsilon < 0.5)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must lie in [0, 0.5).");
        double sum = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            double p = Math.Clamp(probabilities[i], epsilon, 1 - epsilon);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / probabilities.Length;
    }

    /// <summary>Log loss of float probabilities.</summary>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels, double epsilon = DefaultLogLossEpsilon) =>
        LogLoss(StatisticsArguments.Widen(probabilities), labels, epsilon);

    private static void Check(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels)
    {
        StatisticsArguments.SameLength(probabilities.Length, labels.Length, nameof(probabilities), nameof(labels));
        StatisticsArguments.NotEmpty(probabilities.Length, nameof(probabilities));
        StatisticsArguments.CountBinary(labels);
        StatisticsArguments.Probabilities(probabilities, nameof(probabilities));
    }
}
