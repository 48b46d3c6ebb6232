namespace ProbeMonitor.Probes.Calibration;

/// <summary>Expected calibration error: how far predicted probabilities sit from observed frequencies.</summary>
public static class CalibrationError
{
    /// <summary>ECE over <paramref name="bins"/> equal-width bins of [0, 1]: Σ_b (n_b / n)·|mean p_b − positive rate_b|.</summary>
    /// <remarks>A probability of exactly 1 falls in the last bin; bin b holds p in [b/B, (b+1)/B).</remarks>
    /// <exception cref="ArgumentException">Lengths differ, the set is empty, a probability is outside [0, 1], or bins &lt; 1.</exception>
    public static double Expected(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> labels, int bins = 10)
    {
        if (probabilities.Length != labels.Length || probabilities.Length == 0)
            throw new ArgumentException($"ECE needs equal, non-zero numbers of probabilities and labels, got {probabilities.Length} and {labels.Length}.");
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), $"ECE needs at least one bin, got {bins}.");
        var count = new int[bins];
        var sumP = new double[bins];
        var positives = new int[bins];
        for (int i = 0; i < probabilities.Length; i++)
        {
            double p = probabilities[i];
            if (!(p >= 0 && p <= 1))
                throw new ArgumentException($"ECE: probability {i} is {p}, outside [0, 1].", nameof(probabilities));
            int b = Math.Min((int)(p * bins), bins - 1);
            count[b]++;
            sumP[b] += p;
            if (labels[i]) positives[b]++;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++)
            if (count[b] > 0)
                ece += Math.Abs(sumP[b] - positives[b]) / probabilities.Length;
        return ece;
    }
}
