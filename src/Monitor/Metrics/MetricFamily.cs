namespace ProbeMonitor.Monitor.Metrics;

/// <summary>One exported metric in a scrape: name (as exposed, <c>_total</c> included for counters), help, type, series,
/// and for histograms the bucket layout every series shares.</summary>
public sealed record MetricFamily(
    string Name,
    string Help,
    PrometheusMetricType Type,
    IReadOnlyList<MetricPoint> Points,
    BucketLayout? Buckets = null);
