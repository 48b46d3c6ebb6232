using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Metrics;

namespace ProbeMonitor.Monitor.Tests.Metrics;

/// <summary>A catalogue and collector wired as the app wires them, on a service provider of their own.</summary>
internal sealed class MonitorMetricsFixture : IDisposable
{
    private readonly ServiceProvider _services;

    public MonitorMetricsFixture()
    {
        _services = new ServiceCollection().AddMonitorMetrics().BuildServiceProvider();
        Metrics = _services.GetRequiredService<MonitorMetrics>();
        Collector = _services.GetRequiredService<MetricsCollector>();
    }

    public MonitorMetrics Metrics { get; }

    public MetricsCollector Collector { get; }

    public IMeterFactory MeterFactory => _services.GetRequiredService<IMeterFactory>();

    public string Text() => Collector.CollectText();

    /// <summary>Records at least one value on every instrument of the catalogue.</summary>
    public static void RecordOneOfEverything(MonitorMetrics m)
    {
        m.SetLoadedProbes([new("tox-l12", "toxicity", "linear"), new("ans-sae", "answerability", "sae")]);
        m.SetServedModel("gemma-2-2b", 12);
        m.RecordRequest("Score", "OK", 0.004);
        m.RecordRequest("Score", "Unavailable", 0.2);
        m.RecordQueueWait(0.0003);
        m.RecordForward(0.03);
        m.RecordScoring(0.0007);
        m.RecordBatchSize(6);
        m.SetQueueDepth(3);
        m.RecordCacheLookup(hit: true);
        m.RecordProbeScore("tox-l12", 0.82, positive: true);
        m.RecordProbeScore("ans-sae", 0.15, positive: false);
        m.PublishDrift("tox-l12", new DriftGaugeValues
        {
            Psi = 0.12, KsStatistic = 0.08, WassersteinNormalized = 0.3, PositiveRateShift = -0.02,
            SaeDenseDisagreementRatio = 0.05, ActivationOodRatio = 0.011, LatentFiringRateShift = 0.4,
            TransferRisk = 0.25, WindowRequests = 512,
        });
    }

    public void Dispose() => _services.Dispose();
}
