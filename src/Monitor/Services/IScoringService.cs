using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.Services;

/// <summary>What the ProbeMonitor gRPC service asks of the scoring pipeline; throw <c>GrpcStatusException</c> to fail a call with a chosen status.</summary>
public interface IScoringService
{
    /// <summary>Scores one request with the selected probes; the caller waits for the answer before it sends more (a unary call).</summary>
    Task<ScoreResponse> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken);

    /// <summary>Scores one request of a stream whose reader goes on to the next before this one is answered, so requests
    /// of one stream can share a batch.</summary>
    Task<ScoreResponse> ScoreInStreamAsync(ScoreRequest request, CancellationToken cancellationToken) => ScoreAsync(request, cancellationToken);

    /// <summary>The refusal for a new <c>Score</c> call when every queue it could need is full, or null to admit it. Asked before
    /// the request is read: under overload the message may arrive late, and the answer would be RESOURCE_EXHAUSTED anyway.</summary>
    GrpcStatusException? RefuseBeforeReading() => null;

    /// <summary>Describes the loaded probes.</summary>
    Task<ListProbesResponse> ListProbesAsync(ListProbesRequest request, CancellationToken cancellationToken);

    /// <summary>Reloads the probe bundles from disk.</summary>
    Task<ReloadProbesResponse> ReloadProbesAsync(ReloadProbesRequest request, CancellationToken cancellationToken);

    /// <summary>Whether the service can score now; the health check reports NOT_SERVING for the ProbeMonitor service otherwise.</summary>
    bool IsServing => true;

    /// <summary>How many requests of one ScoreStream call may be scored at once (responses still go out in request order);
    /// more than one lets a single stream fill batches.</summary>
    int StreamConcurrency => 1;
}
