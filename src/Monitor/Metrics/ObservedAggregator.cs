using System.Diagnostics.Metrics;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Holds what observable instruments (counter, up-down counter, gauge) reported in the current scrape.</summary>
/// <remarks>
/// Observable callbacks run only when the collector asks during a scrape, so the state is rebuilt each time: a tag set the
/// callback stops reporting disappears from the exposition instead of lingering with a stale value. For an observable
/// counter the observed value is already the cumulative total.
/// </remarks>
internal sealed class ObservedAggregator(Instrument instrument, PrometheusMetricType type, int maxSeries, long sequence)
    : InstrumentAggregator(instrument, type, sequence)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<LabelSet, double> _current = new(LabelSetComparer.Instance);
    private long _dropped;

    public override long Dropped => Interlocked.Read(ref _dropped);

    public override void BeginObservation()
    {
        lock (_gate) _current.Clear();
    }

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Record((double)value, tags);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = LabelSet.FromTags(tags);
        lock (_gate)
        {
            if (_current.Count >= maxSeries && !_current.ContainsKey(labels))
            {
                Interlocked.Increment(ref _dropped);
                return;
            }
            _current[labels] = value;
        }
    }

    public override MetricFamily Snapshot()
    {
        lock (_gate)
            return Family([.. _current.Select(e => new MetricPoint(e.Key, e.Value))]);
    }
}
