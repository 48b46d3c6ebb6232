using System.Diagnostics.Metrics;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Keeps the last value recorded on a synchronous <see cref="Gauge{T}"/> per tag set; exposed as a gauge.</summary>
internal sealed class LastValueAggregator(Instrument instrument, int maxSeries, long sequence)
    : InstrumentAggregator(instrument, PrometheusMetricType.Gauge, sequence)
{
    private readonly SeriesTable<LastValueCell> _series = new(static () => new LastValueCell(), maxSeries);

    public override long Dropped => _series.Dropped;

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => _series.Get(tags)?.Set(value);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => _series.Get(tags)?.Set(value);

    public override MetricFamily Snapshot() =>
        Family([.. _series.Entries.Select(e => new MetricPoint(e.Key, e.Value.Value))]);
}
