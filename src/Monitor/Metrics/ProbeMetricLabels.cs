namespace ProbeMonitor.Monitor.Metrics;

/// <summary>The labels one loaded probe carries on every per-probe metric: its bundle id, task (e.g. answerability,
/// toxicity) and kind (dense or sae, as in the bundle manifest).</summary>
public sealed record ProbeMetricLabels(string Id, string Task, string Kind);
