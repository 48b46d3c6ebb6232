namespace ProbeMonitor.Monitor.Metrics;

/// <summary>The Prometheus metric types this exporter writes (text format 0.0.4 <c># TYPE</c> values).</summary>
public enum PrometheusMetricType
{
    /// <summary>A monotonic total; exported with a <c>_total</c> suffix.</summary>
    Counter,

    /// <summary>A value that can go up and down, or a last-observed value.</summary>
    Gauge,

    /// <summary>Cumulative buckets with <c>_bucket{le=…}</c>, <c>_sum</c> and <c>_count</c>.</summary>
    Histogram,
}
