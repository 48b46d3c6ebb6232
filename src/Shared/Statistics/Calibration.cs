namespace ProbeMonitor.Statistics;

/// <summary>Expected calibration error and reliability bins over equal-width confidence bins.</summary>
/// <remarks>
/// As defined by Guo, Pleiss, Sun and Weinberger, "On Calibration of Modern Neural Networks" (ICML 2017):
/// with M bins B_m = ((m − 1)/M, m/M], ECE = Σ_m (|B_m| / n) · |acc(B_m) − conf(B_m)|, where conf is the mean confidence and
/// acc the fraction correct in the bin. A confidence of exactly 0 falls in the first bin. Guo et al. use the top-label
/// confidence (<see cref="CalibrationMode.TopLabel"/>); <see cref="CalibrationMode.PositiveClass"/> bins p itself instead.
/// </remarks>
public static class Calibration
{
    /// <summary>Guo et al.'s default bin count.</summary>
    public const int DefaultBins = 10;

    /// <summary>Expected calibration error, in [0, 1].</summary>
    public static double ExpectedCalibrationError(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels,
        int bins = DefaultBins, CalibrationMode mode = CalibrationMode.TopLabel)
    {
        var table = ReliabilityBins(probabilities, labels, bins, mode);
        double ece = 0;
        foreach (var b in table) ece += (double)b.Count / probabilities.Length * b.Gap;
        return ece;
    }

    /// <summary>ECE of float probabilities.</summary>
    public static double ExpectedCalibrationError(ReadOnlySpan<float> probabilities, ReadOnlySpan<int> labels,
        int bins = DefaultBins, CalibrationMode mode = CalibrationMode.TopLabel) =>
        ExpectedCalibrationError(StatisticsArguments.Widen(probabilities), labels, bins, mode);

    /// <summary>Maximum calibration error: the largest gap over non-empty bins (Guo et al.'s MCE).</summary>
    public static double MaximumCalibrationError(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels,
        int bins = DefaultBins, CalibrationMode mode = CalibrationMode.TopLabel)
    {
        double mce = 0;
        foreach (var b in ReliabilityBins(probabilities, labels, bins, mode)) mce = Math.Max(mce, b.Gap);
        return mce;
    }

    /// <summary>The reliability diagram: every bin, empty ones included, in ascending order.</summary>
    public static CalibrationBin[] ReliabilityBins(ReadOnlySpan<double> probabilities, ReadOnlySpan<int> labels,
        int bins = DefaultBins, CalibrationMode mode = CalibrationMode.TopLabel)
    {
        StatisticsArguments.SameLength(probabilities.Length, labels.Length, nameof(probabilities), nameof(labels));
        StatisticsArguments.NotEmpty(probabilities.Length, nameof(probabilities));
        StatisticsArguments.CountBinary(labels);
        StatisticsArguments.Probabilities(probabilities, nameof(probabilities));
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "the number of calibration bins must be at least 1.");
        var count = new long[bins];
        var confidenceSum = new double[bins];
        var correct = new long[bins];
        for (int i = 0; i < probabilities.Length; i++)
        {
            double p = probabilities[i];
            double confidence;
            bool hit;
            if (mode == CalibrationMode.TopLabel)
            {
                int predicted = p >= 0.5 ? 1 : 0;
                confidence = predicted == 1 ? p : 1 - p;
                hit = predicted == labels[i];
            }
            else
            {
                confidence = p;
                hit = labels[i] == 1;
            }
            int b = BinOf(confidence, bins);
            count[b]++;
            confidenceSum[b] += confidence;
            if (hit) correct[b]++;
        }
        var result = new CalibrationBin[bins];
        for (int b = 0; b < bins; b++)
        {
            double mean = count[b] == 0 ? double.NaN : confidenceSum[b] / count[b];
            double accuracy = count[b] == 0 ? double.NaN : (double)correct[b] / count[b];
            result[b] = new CalibrationBin((double)b / bins, (double)(b + 1) / bins, count[b], mean, accuracy);
        }
        return result;
    }

    /// <summary>Index m − 1 of the right-closed bin ((m − 1)/M, m/M] holding c; 0 goes to the first bin.</summary>
    internal static int BinOf(double confidence, int bins) => Math.Clamp((int)Math.Ceiling(confidence * bins) - 1, 0, bins - 1);
}
