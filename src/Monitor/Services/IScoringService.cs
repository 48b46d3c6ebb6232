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

    /// <summary>Admits a new unary <c>Score</c> call before its request is read, or throws <c>GrpcStatusException</c>
    /// (RESOURCE_EXHAUSTED) when it could not be queued: under overload the message may arrive late, and the answer would be
    /// the same. The admission may hold a queue place for the request; the caller disposes it when the call ends.</summary>
    ScoreAdmission AdmitScore() => ScoreAdmission.None;

    /// <summary>Scores a unary call's request with the admission <see cref="AdmitScore"/> gave it.</summary>
    Task<ScoreResponse> ScoreAsync(ScoreRequest request, ScoreAdmission admission, CancellationToken cancellationToken) =>
        ScoreAsync(request, cancellationToken);

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
