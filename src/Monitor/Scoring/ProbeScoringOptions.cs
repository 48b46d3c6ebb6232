using ProbeMonitor.Monitoring;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>How loaded probes track drift.</summary>
/// <param name="Window">The sliding window each probe's and each SAE–dense pair's drift is measured over.</param>
/// <param name="Risk">The thresholds of the transfer-risk combination.</param>
public sealed record ProbeScoringOptions(DriftWindow Window, TransferRiskOptions Risk)
{
    /// <summary>The last 2,000 requests, default risk thresholds.</summary>
    public static ProbeScoringOptions Default { get; } = new(DriftWindow.ByCount(), TransferRiskOptions.Default);
}
