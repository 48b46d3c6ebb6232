using System.Diagnostics.Metrics;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Sums a <see cref="Counter{T}"/> (exposed as a counter) or an <see cref="UpDownCounter{T}"/> (exposed as a gauge).</summary>
/// <remarks>A counter exposed to Prometheus must never decrease, so negative or NaN increments to a monotonic counter are dropped and counted.</remarks>
internal sealed class SumAggregator(Instrument instrument, bool monotonic, int maxSeries, long sequence)
    : InstrumentAggregator(instrument, monotonic ? PrometheusMetricType.Counter : PrometheusMetricType.Gauge, sequence)
{
    private readonly SeriesTable<SumCell> _series = new(static () => new SumCell(), maxSeries);

    public override long Dropped => _series.Dropped;

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (monotonic && value < 0)
        {
            _series.CountDropped();
            return;
        }
        _series.Get(tags)?.Add(value);
    }

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (monotonic && !(value >= 0))
        {
            _series.CountDropped();
            return;
        }
        _series.Get(tags)?.Add(value);
    }

    public override MetricFamily Snapshot() =>
        Family([.. _series.Entries.Select(e => new MetricPoint(e.Key, e.Value.Value))]);
}
