namespace ProbeMonitor.Statistics;

/// <summary>ROC curve at every distinct score, thresholds descending, starting at (0, 0) with threshold +∞ (sklearn's roc_curve with drop_intermediate=False).</summary>
public sealed record RocCurve(double[] Thresholds, double[] FalsePositiveRates, double[] TruePositiveRates)
{
    /// <summary>Number of points, including the (0, 0) start.</summary>
    public int Count => Thresholds.Length;

    /// <summary>The i-th point.</summary>
    public OperatingPoint this[int index] => new(Thresholds[index], FalsePositiveRates[index], TruePositiveRates[index]);

    /// <summary>Area under the curve by the trapezoid rule; equals the rank-based AUC because ties form the diagonal segments.</summary>
    public double TrapezoidArea()
    {
        double area = 0;
        for (int i = 1; i < Count; i++)
            area += (FalsePositiveRates[i] - FalsePositiveRates[i - 1]) * (TruePositiveRates[i] + TruePositiveRates[i - 1]) / 2;
        return area;
    }
}
