namespace ProbeMonitor.Monitor.Metrics;

/// <summary>One drift-monitor reading for a probe, as published to the <c>probemon_drift_*</c> gauges; a null field leaves
/// that gauge as it was (the monitor may compute the statistics at different cadences).</summary>
public sealed record DriftGaugeValues
{
    /// <summary>Population stability index of the score distribution against the training reference (≥ 0).</summary>
    public double? Psi { get; init; }

    /// <summary>Two-sample Kolmogorov–Smirnov statistic of the scores against the reference (0..1).</summary>
    public double? KsStatistic { get; init; }

    /// <summary>1-Wasserstein distance of the scores, normalised by the reference's spread (≥ 0).</summary>
    public double? WassersteinNormalized { get; init; }

    /// <summary>Window positive rate minus the reference positive rate (signed).</summary>
    public double? PositiveRateShift { get; init; }

    /// <summary>Share of requests where the SAE and the dense probe disagree on the label (0..1).</summary>
    public double? SaeDenseDisagreementRatio { get; init; }

    /// <summary>Share of requests whose activation Mahalanobis distance exceeds the training p99 (0..1).</summary>
    public double? ActivationOodRatio { get; init; }

    /// <summary>Shift in the probe's SAE latents' firing rates against the reference (signed).</summary>
    public double? LatentFiringRateShift { get; init; }

    /// <summary>Combined transfer-risk score (0..1).</summary>
    public double? TransferRisk { get; init; }

    /// <summary>Requests in the drift window the reading was computed over (≥ 0).</summary>
    public long? WindowRequests { get; init; }
}
