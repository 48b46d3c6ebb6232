namespace ProbeMonitor.Monitor.Scoring;

/// <summary>One request's scores as the scoring queue returns them, with where its time went.</summary>
/// <param name="Scores">Every selected probe's verdict and the request's drift signals.</param>
/// <param name="Queued">Time from entering the queue to its batch starting.</param>
/// <param name="Scoring">Time to score the batch it was part of.</param>
/// <param name="BatchSize">How many requests shared its batch.</param>
public sealed record ScoredRequest(RequestScores Scores, TimeSpan Queued, TimeSpan Scoring, int BatchSize);
