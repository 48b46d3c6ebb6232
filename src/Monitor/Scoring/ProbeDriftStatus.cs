using ProbeMonitor.Monitoring;
using ProbeMonitor.Probes;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>One probe's drift over its window and the transfer risk it implies (what the metrics layer exports).</summary>
/// <param name="ProbeId">The probe.</param>
/// <param name="Task">Its task.</param>
/// <param name="Kind">Dense or SAE.</param>
/// <param name="Snapshot">The drift signals, SAE–dense disagreement included.</param>
/// <param name="Risk">The transfer risk and its parts.</param>
public sealed record ProbeDriftStatus(string ProbeId, string Task, ProbeKind Kind, DriftSnapshot Snapshot, TransferRiskAssessment Risk);
