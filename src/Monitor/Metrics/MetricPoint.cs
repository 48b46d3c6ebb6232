namespace ProbeMonitor.Monitor.Metrics;

/// <summary>One series in a scrape: its labels and value, or for a histogram its sum and non-cumulative bucket counts (last is +Inf).</summary>
public sealed record MetricPoint(LabelSet Labels, double Value, IReadOnlyList<long>? BucketCounts = null);
