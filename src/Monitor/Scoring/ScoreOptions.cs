namespace ProbeMonitor.Monitor.Scoring;

/// <summary>What to score a batch with.</summary>
/// <param name="ProbeIds">The probes to run; null or empty means every loaded probe.</param>
/// <param name="Explain">Whether SAE probes report the latents behind their decision.</param>
/// <param name="ExplainTopK">How many firing latents an explanation lists at most.</param>
/// <param name="RecordDrift">Whether the batch counts towards the drift windows (false for test traffic, replays).</param>
public sealed record ScoreOptions(IReadOnlyList<string>? ProbeIds = null, bool Explain = false, int ExplainTopK = 8, bool RecordDrift = true)
{
    /// <summary>Every probe, no explanation, drift recorded.</summary>
    public static ScoreOptions Default { get; } = new();
}
