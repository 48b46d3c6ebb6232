using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.Services;

/// <summary>PLACEHOLDER until the scoring pipeline lands: every method answers UNIMPLEMENTED. Not a working scorer.</summary>
public sealed class UnimplementedScoringService : IScoringService
{
    /// <summary>The status detail every call gets, so callers see at once why.</summary>
    public const string Detail = "Probe scoring is not implemented in this build yet (placeholder IScoringService).";

    /// <inheritdoc />
    public Task<ScoreResponse> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken) => throw NotYet();

    /// <inheritdoc />
    public Task<ListProbesResponse> ListProbesAsync(ListProbesRequest request, CancellationToken cancellationToken) => throw NotYet();

    /// <inheritdoc />
    public Task<ReloadProbesResponse> ReloadProbesAsync(ReloadProbesRequest request, CancellationToken cancellationToken) => throw NotYet();

    private static GrpcStatusException NotYet() => new(GrpcStatusCode.Unimplemented, Detail);
}
