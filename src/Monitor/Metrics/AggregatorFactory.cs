using System.Diagnostics.Metrics;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Chooses the aggregation for an instrument from its kind, and a histogram's layout from its advice.</summary>
internal static class AggregatorFactory
{
    /// <summary>The aggregator for <paramref name="instrument"/>, or null for an instrument kind this exporter does not know.</summary>
    public static InstrumentAggregator? Create(Instrument instrument, MetricsCollectorOptions options, long sequence)
    {
        var type = instrument.GetType();
        if (!type.IsGenericType) return null;
        var kind = type.GetGenericTypeDefinition();
        int max = options.MaxSeriesPerInstrument;
        if (kind == typeof(Counter<>)) return new SumAggregator(instrument, monotonic: true, max, sequence);
        if (kind == typeof(UpDownCounter<>)) return new SumAggregator(instrument, monotonic: false, max, sequence);
        if (kind == typeof(Gauge<>)) return new LastValueAggregator(instrument, max, sequence);
        if (kind == typeof(Histogram<>)) return new HistogramAggregator(instrument, LayoutFor(instrument, options), max, sequence);
        if (kind == typeof(ObservableCounter<>)) return new ObservedAggregator(instrument, PrometheusMetricType.Counter, max, sequence);
        if (kind == typeof(ObservableUpDownCounter<>) || kind == typeof(ObservableGauge<>))
            return new ObservedAggregator(instrument, PrometheusMetricType.Gauge, max, sequence);
        return null;
    }

    /// <summary>The advised bucket bounds (.NET 9 <see cref="InstrumentAdvice{T}.HistogramBucketBoundaries"/>), else the default layout.</summary>
    public static BucketLayout LayoutFor(Instrument instrument, MetricsCollectorOptions options)
    {
        var name = instrument.Name;
        return instrument switch
        {
            Histogram<double> { Advice.HistogramBucketBoundaries: { } b } => new BucketLayout(b, name),
            Histogram<float> { Advice.HistogramBucketBoundaries: { } b } => BucketLayout.FromSingle(b, name),
            Histogram<long> { Advice.HistogramBucketBoundaries: { } b } => Widen(b, x => x, name),
            Histogram<int> { Advice.HistogramBucketBoundaries: { } b } => Widen(b, x => x, name),
            Histogram<short> { Advice.HistogramBucketBoundaries: { } b } => Widen(b, x => x, name),
            Histogram<byte> { Advice.HistogramBucketBoundaries: { } b } => Widen(b, x => x, name),
            Histogram<decimal> { Advice.HistogramBucketBoundaries: { } b } => Widen(b, x => (double)x, name),
            _ => new BucketLayout(options.DefaultHistogramBounds, name),
        };
    }

    private static BucketLayout Widen<T>(IReadOnlyList<T> bounds, Func<T, double> widen, string name) =>
        new([.. bounds.Select(widen)], name);
}
