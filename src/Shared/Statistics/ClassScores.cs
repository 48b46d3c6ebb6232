namespace ProbeMonitor.Statistics;

/// <summary>Precision, recall, F1 and support (true count) of one class label in a multiclass problem.</summary>
public sealed record ClassScores(int Label, long Support, double Precision, double Recall, double F1);
