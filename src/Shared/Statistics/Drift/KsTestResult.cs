namespace ProbeMonitor.Statistics.Drift;

/// <summary>A Kolmogorov–Smirnov statistic D (largest CDF gap) and its two-sided p-value.</summary>
public sealed record KsTestResult(double Statistic, double PValue);
