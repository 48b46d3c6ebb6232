using System.Diagnostics.Metrics;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>The state behind one instrument: receives its measurements and snapshots them as a metric family.</summary>
/// <remarks>
/// The collector passes the aggregator as the listener's per-instrument state, so a measurement reaches its aggregator without
/// any lookup by instrument.
/// </remarks>
internal abstract class InstrumentAggregator(Instrument instrument, PrometheusMetricType type, long sequence)
{
    /// <summary>The instrument aggregated.</summary>
    public Instrument Instrument { get; } = instrument;

    /// <summary>How the instrument is exposed.</summary>
    public PrometheusMetricType Type { get; } = type;

    /// <summary>The exposed family name.</summary>
    public string ExportedName { get; } = MetricNaming.ExportedName(instrument.Name, instrument.Unit, type);

    /// <summary>Publication order, the last tie-breaker when two instruments would export the same name.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>Measurements dropped (over the series cap, negative counter increments, reserved labels).</summary>
    public abstract long Dropped { get; }

    /// <summary>Takes an integer measurement.</summary>
    public abstract void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Takes a floating-point measurement.</summary>
    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Called before a scrape asks observable instruments for their values.</summary>
    public virtual void BeginObservation()
    {
    }

    /// <summary>The current series.</summary>
    public abstract MetricFamily Snapshot();

    /// <summary>A family with this instrument's name, help and type.</summary>
    protected MetricFamily Family(List<MetricPoint> points, BucketLayout? buckets = null)
    {
        points.Sort((a, b) => a.Labels.CompareTo(b.Labels));
        return new MetricFamily(ExportedName, Instrument.Description ?? "", Type, points, buckets);
    }
}
