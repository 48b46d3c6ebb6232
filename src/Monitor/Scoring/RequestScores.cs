namespace ProbeMonitor.Monitor.Scoring;

/// <summary>Every selected probe's verdict on one request, with the request's own drift signals.</summary>
/// <param name="Scores">One entry per probe, in the order of <see cref="BatchScores.ProbeIds"/>.</param>
/// <param name="Drift">Per-request drift signals.</param>
public sealed record RequestScores(IReadOnlyList<ScoredProbe> Scores, RequestDrift Drift);

/// <summary>The drift signals of a single request.</summary>
/// <param name="MahalanobisSquared">d² under the reference of <see cref="OodProbeId"/>, null when no scored probe has a covariance model.</param>
/// <param name="ActivationOodScore">√d², the Mahalanobis distance.</param>
/// <param name="ActivationOod">Whether d² exceeds that reference's 99th percentile.</param>
/// <param name="OodProbeId">The probe whose reference the activation is furthest outside (largest d² over its 99th percentile).</param>
/// <param name="SaeDenseDisagreement">The largest |p_sae − p_dense| over SAE–dense pairs of one task; null when no pair was scored.</param>
/// <param name="DecisionsDisagree">Whether any such pair reached different decisions.</param>
public sealed record RequestDrift(
    double? MahalanobisSquared,
    double? ActivationOodScore,
    bool ActivationOod,
    string? OodProbeId,
    double? SaeDenseDisagreement,
    bool DecisionsDisagree)
{
    /// <summary>No signals.</summary>
    public static RequestDrift None { get; } = new(null, null, false, null, null, false);
}

/// <summary>The scores of a batch, one entry per request in batch order.</summary>
/// <param name="ProbeIds">The probes that scored the batch, in the order of each request's scores.</param>
/// <param name="Requests">One entry per batch row.</param>
public sealed record BatchScores(IReadOnlyList<string> ProbeIds, IReadOnlyList<RequestScores> Requests);
