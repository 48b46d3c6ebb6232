namespace ProbeMonitor.Statistics;

/// <summary>Precision, recall and F1 of one class.</summary>
public sealed record PrecisionRecall(double Precision, double Recall, double F1);
