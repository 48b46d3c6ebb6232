using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>A stand-in scorer for transport tests: echoes request_id, scores n/(n+1) for an input of length n. Not a probe.</summary>
/// <remarks>request_id "fail" answers INVALID_ARGUMENT; "sleep:MS" waits MS milliseconds (honouring cancellation) first.</remarks>
public sealed class FakeScoringService : IScoringService
{
    public const string FailDetail = "fake scorer refuses: 100% invalid ✗";

    public static float Probability(int n) => n / (n + 1f);

    public async Task<ScoreResponse> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken)
    {
        if (request.RequestId == "fail") throw new GrpcStatusException(GrpcStatusCode.InvalidArgument, FailDetail);
        if (request.RequestId.StartsWith("sleep:", StringComparison.Ordinal))
            await Task.Delay(int.Parse(request.RequestId["sleep:".Length..]), cancellationToken);
        int n = request.InputCase switch
        {
            ScoreRequest.InputOneofCase.Prompt => request.Prompt.Length,
            ScoreRequest.InputOneofCase.Chat => request.Chat.Messages.Sum(m => m.Content.Length),
            ScoreRequest.InputOneofCase.TokenIds => request.TokenIds.Ids.Count,
            ScoreRequest.InputOneofCase.Activations => request.Activations.Data.Length,
            _ => 0,
        };
        return new ScoreResponse
        {
            RequestId = request.RequestId,
            Model = "fake-model",
            Layer = 12,
            Scores =
            {
                new ProbeScore
                {
                    ProbeId = "fake-len", Task = "length", Kind = ProbeKind.Dense, Probability = Probability(n),
                    Decision = n > 10, Logit = n, Threshold = 0.5f,
                },
            },
            Drift = new DriftSignals { ActivationOodScore = n },
            Timings = new Timings { TotalUs = 1 },
        };
    }

    public Task<ListProbesResponse> ListProbesAsync(ListProbesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ListProbesResponse
        {
            Probes = { new ProbeInfo { Id = "fake-len", Task = "length", Kind = ProbeKind.Dense, Model = "fake-model", Layer = 12, HookName = "blocks.12.hook_resid_post", Threshold = 0.5f, CalibrationMethod = "none" } },
        });

    public Task<ReloadProbesResponse> ReloadProbesAsync(ReloadProbesRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new ReloadProbesResponse { LoadedProbeIds = { "fake-len" } });
}
