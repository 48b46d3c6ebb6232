namespace ProbeMonitor.Statistics;

/// <summary>One point of a ROC curve: predict positive when score ≥ <paramref name="Threshold"/>; +∞ means predict nothing positive.</summary>
public sealed record OperatingPoint(double Threshold, double FalsePositiveRate, double TruePositiveRate);
