using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Monitoring;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Publishes every loaded probe's drift and transfer risk to the <c>probemon_drift_*</c> gauges on a fixed period
/// (<c>--drift-publish-ms</c>, 5 s by default), and keeps the metric labels in step with the loaded probes.</summary>
/// <remarks>
/// A snapshot sums a probe's sliding window (a few hundred counters), so publishing every probe every few seconds costs
/// nothing the scoring path notices; recording stays on the request path, computing here. Signals a window cannot
/// measure yet (too few requests, no covariance model, no SAE–dense pair) are NaN and leave their gauge untouched.
/// </remarks>
public sealed class DriftPublisher(ProbeRegistry registry, MonitorMetrics metrics, MonitorOptions options, ILogger<DriftPublisher> logger)
    : BackgroundService
{
    private ProbeSet? _published;

    /// <summary>Publishes once now: labels when the set changed, then each probe's drift.</summary>
    public void PublishNow()
    {
        var set = registry.Current;
        if (!ReferenceEquals(set, _published))
        {
            metrics.SetLoadedProbes(Labels(set));
            if (set.Count > 0) metrics.SetServedModel(set.Probes[0].Model.Id, set.Probes[0].Model.Layer);
            _published = set;
        }
        foreach (var status in set.DriftStatus())
        {
            try
            {
                metrics.PublishDrift(status.ProbeId, Gauges(status.Snapshot, status.Risk));
            }
            catch (ArgumentOutOfRangeException e)
            {
                logger.LogWarning("Drift of probe {Probe} not published: {Problem}", status.ProbeId, e.Message);
            }
        }
    }

    /// <summary>The metric labels of every probe in <paramref name="set"/>.</summary>
    public static IReadOnlyList<ProbeMetricLabels> Labels(ProbeSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return set.Probes.Select(p => new ProbeMetricLabels(p.Id, p.Task, p.Kind == Probes.ProbeKind.Sae ? "sae" : "dense")).ToList();
    }

    /// <summary>The gauge values of a drift snapshot and its transfer risk; NaN (not measured) becomes null (gauge left as is).</summary>
    public static DriftGaugeValues Gauges(DriftSnapshot snapshot, TransferRiskAssessment risk)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(risk);
        return new DriftGaugeValues
        {
            Psi = Measured(snapshot.Psi),
            KsStatistic = Measured(snapshot.KsStatistic),
            WassersteinNormalized = Measured(snapshot.WassersteinNormalized),
            PositiveRateShift = Measured(snapshot.PositiveRateShift),
            SaeDenseDisagreementRatio = Measured(snapshot.DisagreementRate),
            ActivationOodRatio = Measured(snapshot.OodShare),
            LatentFiringRateShift = Measured(snapshot.LatentFiringMeanAbsShift),
            TransferRisk = Measured(risk.Risk),
            WindowRequests = snapshot.WindowCount,
        };
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.DriftPublishMs));
        do
        {
            try
            {
                PublishNow();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Publishing drift metrics failed");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static double? Measured(double value) => double.IsFinite(value) ? value : null;
}
