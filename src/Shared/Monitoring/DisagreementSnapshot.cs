namespace ProbeMonitor.Monitoring;

/// <summary>How often an SAE probe and a dense probe of the same task disagreed over the window.</summary>
/// <param name="Task">The task both probes serve.</param>
/// <param name="SaeProbeId">The SAE probe.</param>
/// <param name="DenseProbeId">The dense probe.</param>
/// <param name="WindowCount">Requests both probes scored in the window.</param>
/// <param name="MinimumCount">The fewest requests for which the rates are reported.</param>
/// <param name="Disagreements">Requests where exactly one of the two flagged.</param>
/// <param name="DisagreementRate">Disagreements / WindowCount, NaN below the minimum count.</param>
/// <param name="MeanProbabilityGap">Mean |p_sae − p_dense| over the window, NaN below the minimum count.</param>
public sealed record DisagreementSnapshot(
    string Task,
    string SaeProbeId,
    string DenseProbeId,
    long WindowCount,
    int MinimumCount,
    long Disagreements,
    double DisagreementRate,
    double MeanProbabilityGap)
{
    /// <summary>Whether the window holds enough requests for the rates to be reported.</summary>
    public bool IsSufficient => WindowCount >= MinimumCount;
}
