using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Listens to the app's <see cref="Meter"/>s through a <see cref="MeterListener"/> and aggregates their measurements
/// for Prometheus: counters and up-down counters summed, gauges last-value, histograms bucketed, per tag set.</summary>
/// <remarks>
/// Recording is lock-free: the listener hands each measurement to its instrument's aggregator (the per-instrument state, no
/// lookup), which finds the series by the tag span without allocating and updates it with interlocked operations. A scrape
/// (<see cref="Collect"/>) is serialised, asks observable instruments for their values, and snapshots every series.
/// Measurements made before the collector exists, or before a meter is created, are not seen.
/// </remarks>
public sealed class MetricsCollector : IDisposable
{
    private readonly MetricsCollectorOptions _options;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentAggregator> _aggregators = new();
    private readonly Lock _scrapeGate = new();
    private long _sequence;
    private bool _disposed;

    /// <summary>Starts listening to every meter the options accept, including those created earlier.</summary>
    public MetricsCollector(MetricsCollectorOptions? options = null)
    {
        _options = options ?? new MetricsCollectorOptions();
        ArgumentNullException.ThrowIfNull(_options.MeterNamePrefix);
        // Validate the default layout once, here, rather than on the first histogram.
        _ = new BucketLayout(_options.DefaultHistogramBounds, "default histogram bounds");

        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = OnMeasurementsCompleted,
        };
        _listener.SetMeasurementEventCallback<byte>(static (_, m, tags, state) => ((InstrumentAggregator)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, m, tags, state) => ((InstrumentAggregator)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, m, tags, state) => ((InstrumentAggregator)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<long>(static (_, m, tags, state) => ((InstrumentAggregator)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, m, tags, state) => ((InstrumentAggregator)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, m, tags, state) => ((InstrumentAggregator)state!).Record(m, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, m, tags, state) => ((InstrumentAggregator)state!).Record((double)m, tags));
        _listener.Start();
    }

    /// <summary>Measurements dropped so far by the instruments still listened to (series cap, negative counter increments, reserved labels).</summary>
    public long DroppedMeasurements => _aggregators.Values.Sum(a => a.Dropped);

    /// <summary>The error thrown by an observable instrument's callback in the last scrape, or null; the rest of that scrape was still served.</summary>
    public Exception? LastObservationError { get; private set; }

    /// <summary>A consistent-per-series snapshot of every collected instrument, ordered by exported name; families without series are omitted.</summary>
    /// <remarks>When two instruments export the same name, the one from the meter and instrument first in ordinal order wins.</remarks>
    public IReadOnlyList<MetricFamily> Collect()
    {
        lock (_scrapeGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var aggregators = _aggregators.Values
                .OrderBy(a => a.ExportedName, StringComparer.Ordinal)
                .ThenBy(a => a.Instrument.Meter.Name, StringComparer.Ordinal)
                .ThenBy(a => a.Instrument.Name, StringComparer.Ordinal)
                .ThenBy(a => a.Sequence)
                .ToList();
            foreach (var a in aggregators) a.BeginObservation();
            try
            {
                _listener.RecordObservableInstruments();
                LastObservationError = null;
            }
            catch (Exception e)
            {
                // One failing callback must not take every other metric off the scrape.
                LastObservationError = e;
            }

            var families = new List<MetricFamily>(aggregators.Count);
            string? previous = null;
            foreach (var a in aggregators)
            {
                if (a.ExportedName == previous) continue;
                previous = a.ExportedName;
                var family = a.Snapshot();
                if (family.Points.Count > 0) families.Add(family);
            }
            return families;
        }
    }

    /// <summary>The scrape rendered in the text format.</summary>
    public string CollectText() => PrometheusTextFormat.Write(Collect());

    /// <summary>Stops listening; later <see cref="Collect"/> calls throw.</summary>
    public void Dispose()
    {
        lock (_scrapeGate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _listener.Dispose();
    }

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        if (!meter.Name.StartsWith(_options.MeterNamePrefix, StringComparison.Ordinal)) return;
        if (_options.Scope is not null && meter.Scope is not null && !ReferenceEquals(meter.Scope, _options.Scope)) return;
        var aggregator = AggregatorFactory.Create(instrument, _options, Interlocked.Increment(ref _sequence));
        if (aggregator is null) return;
        _aggregators[instrument] = aggregator;
        listener.EnableMeasurementEvents(instrument, aggregator);
    }

    private void OnMeasurementsCompleted(Instrument instrument, object? state) => _aggregators.TryRemove(instrument, out _);
}
