using System.Diagnostics.Metrics;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Buckets a <see cref="Histogram{T}"/>'s measurements per tag set over one fixed layout.</summary>
internal sealed class HistogramAggregator : InstrumentAggregator
{
    private readonly BucketLayout _layout;
    private readonly SeriesTable<HistogramCell> _series;
    private long _reservedLabelSeries;

    public HistogramAggregator(Instrument instrument, BucketLayout layout, int maxSeries, long sequence)
        : base(instrument, PrometheusMetricType.Histogram, sequence)
    {
        _layout = layout;
        _series = new SeriesTable<HistogramCell>(() => new HistogramCell(layout), maxSeries);
    }

    public BucketLayout Layout => _layout;

    public override long Dropped => _series.Dropped + Interlocked.Read(ref _reservedLabelSeries);

    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => _series.Get(tags)?.Record(value);

    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => _series.Get(tags)?.Record(value);

    public override MetricFamily Snapshot()
    {
        var points = new List<MetricPoint>();
        long reserved = 0;
        foreach (var (labels, cell) in _series.Entries)
        {
            // A tag named "le" would clash with the bucket label and make the whole scrape invalid; leave that series out.
            if (labels.IndexOfName("le", 0) >= 0)
            {
                reserved++;
                continue;
            }
            var (counts, sum) = cell.Snapshot();
            points.Add(new MetricPoint(labels, sum, counts));
        }
        Interlocked.Exchange(ref _reservedLabelSeries, reserved);
        return Family(points, _layout);
    }
}
