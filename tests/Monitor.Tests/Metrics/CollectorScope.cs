using System.Diagnostics.Metrics;
using ProbeMonitor.Monitor.Metrics;

namespace ProbeMonitor.Monitor.Tests.Metrics;

/// <summary>A meter with a name no other test (nor the app's "ProbeMonitor" collector) shares, and a collector listening only to it.</summary>
internal sealed class CollectorScope : IDisposable
{
    public CollectorScope(int maxSeries = 2000)
    {
        var name = $"MetricsTest.{Guid.NewGuid():N}";
        Meter = new Meter(name);
        Collector = new MetricsCollector(new MetricsCollectorOptions { MeterNamePrefix = name, MaxSeriesPerInstrument = maxSeries });
    }

    public Meter Meter { get; }

    public MetricsCollector Collector { get; }

    public string Text() => Collector.CollectText();

    public void Dispose()
    {
        Collector.Dispose();
        Meter.Dispose();
    }
}
