namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Which meters a <see cref="MetricsCollector"/> listens to, and its limits.</summary>
public sealed record MetricsCollectorOptions
{
    /// <summary>Meters whose name starts with this (ordinal) are collected.</summary>
    public string MeterNamePrefix { get; init; } = "ProbeMonitor";

    /// <summary>When set, meters created by another scope (another host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>)
    /// are ignored, so two hosts in one process (tests) do not see each other's metrics; unscoped meters are always collected.</summary>
    public object? Scope { get; init; }

    /// <summary>Tag sets kept per instrument; measurements for further tag sets are dropped and counted.</summary>
    public int MaxSeriesPerInstrument { get; init; } = 2000;

    /// <summary>Histogram bounds for instruments that give no <c>InstrumentAdvice</c>.</summary>
    public IReadOnlyList<double> DefaultHistogramBounds { get; init; } = HistogramBuckets.Default;
}
