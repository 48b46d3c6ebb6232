using System.Collections.Concurrent;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.Tests.Deploy;

/// <summary>A stand-in scorer that keeps every request it receives, for checking what a client sent. Not a probe.</summary>
/// <remarks>Its score is a function of the request that the test can recompute: the input's length in elements (bytes of
/// activations, characters of a prompt, ids) over that plus one. request_id "fail" answers INVALID_ARGUMENT.</remarks>
public sealed class RecordingScoringService : IScoringService
{
    public const string FailDetail = "recording scorer refuses request 'fail'";

    /// <summary>Requests in arrival order.</summary>
    public ConcurrentQueue<ScoreRequest> Received { get; } = new();

    public static float Probability(ScoreRequest request)
    {
        int n = request.InputCase switch
        {
            ScoreRequest.InputOneofCase.Prompt => request.Prompt.Length,
            ScoreRequest.InputOneofCase.Chat => request.Chat.Messages.Sum(m => m.Content.Length),
            ScoreRequest.InputOneofCase.TokenIds => request.TokenIds.Ids.Count,
            ScoreRequest.InputOneofCase.Activations => request.Activations.Data.Length,
            _ => 0,
        };
        return n / (n + 1f);
    }

    public Task<ScoreResponse> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken)
    {
        Received.Enqueue(request.Clone());
        if (request.RequestId == "fail") throw new GrpcStatusException(GrpcStatusCode.InvalidArgument, FailDetail);
        var probability = Probability(request);
        return Task.FromResult(new ScoreResponse
        {
            RequestId = request.RequestId,
            Model = "toy",
            Layer = request.InputCase == ScoreRequest.InputOneofCase.Activations ? request.Activations.Layer : 0,
            Scores = { new ProbeScore { ProbeId = "recorded", Task = "length", Kind = ProbeKind.Dense, Probability = probability, Decision = probability >= 0.5f, Threshold = 0.5f } },
        });
    }

    public Task<ListProbesResponse> ListProbesAsync(ListProbesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ListProbesResponse { Probes = { new ProbeInfo { Id = "recorded", Task = "length", Kind = ProbeKind.Dense, Model = "toy", Layer = 1 } } });

    public Task<ReloadProbesResponse> ReloadProbesAsync(ReloadProbesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ReloadProbesResponse { LoadedProbeIds = { "recorded" } });
}
