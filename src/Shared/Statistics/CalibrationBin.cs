namespace ProbeMonitor.Statistics;

/// <summary>One equal-width confidence bin (Lower, Upper] of a reliability diagram; empty bins have NaN means.</summary>
public sealed record CalibrationBin(double Lower, double Upper, long Count, double MeanConfidence, double Accuracy)
{
    /// <summary>|accuracy − confidence|, 0 for an empty bin.</summary>
    public double Gap => Count == 0 ? 0 : Math.Abs(Accuracy - MeanConfidence);
}
