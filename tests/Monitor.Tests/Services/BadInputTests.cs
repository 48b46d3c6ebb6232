using System.Net;
using Google.Protobuf;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Monitor.Tests.Grpc;
using ProbeMonitor.Protocol;
using Xunit;
using WireDType = ProbeMonitor.Protocol.Activations.Types.DType;
using WirePooling = ProbeMonitor.Protocol.Activations.Types.Pooling;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>Each bad request gets its own status and a message naming the problem, and the sidecar keeps serving after it.</summary>
public sealed class BadInputTests(SidecarFixture fixture) : IClassFixture<SidecarFixture>
{
    private Sidecar Sidecar => fixture.Sidecar;

    public static TheoryData<string> Cases => new(BadRequests.Keys);

    private static readonly Dictionary<string, (Func<ScoreRequest> Request, GrpcStatusCode Code, string[] MessageParts)> BadRequests = new()
    {
        ["no input"] = (() => new ScoreRequest { RequestId = "empty" }, GrpcStatusCode.InvalidArgument, ["no input", "activations"]),
        ["wrong width"] = (() => Sidecar.Request(new float[8]), GrpcStatusCode.InvalidArgument, ["d_model 16", "expected 16, got 8"]),
        ["bytes do not fit the dtype"] = (() => WithData(Sidecar.Request(ServingBundles.Vector(0), WireDType.Bf16), new byte[64]),
            GrpcStatusCode.InvalidArgument, ["holds 64 bytes", "shape [16] of BF16 needs 32 bytes"]),
        ["NaN"] = (() => Sidecar.Request(With(ServingBundles.Vector(0), 3, float.NaN)), GrpcStatusCode.InvalidArgument, ["NaN", "element 3", "finite"]),
        ["infinity in BF16"] = (() => Sidecar.Request(With(ServingBundles.Vector(0), 5, float.PositiveInfinity), WireDType.Bf16),
            GrpcStatusCode.InvalidArgument, ["Infinity", "element 5"]),
        ["unknown probe"] = (() => WithProbes(Sidecar.Request(ServingBundles.Vector(0)), ServingBundles.DenseId, "no-such-probe"),
            GrpcStatusCode.NotFound, ["'no-such-probe'", "loaded: tox-dense, tox-sae"]),
        ["wrong layer"] = (() => Sidecar.Request(ServingBundles.Vector(0), layer: 3), GrpcStatusCode.InvalidArgument, ["layer 20", "from layer 3"]),
        ["rank-3 shape"] = (() => Sidecar.Request(new float[32], shape: [2, 1, 16]), GrpcStatusCode.InvalidArgument, ["[2, 1, 16]", "[d_model] or [tokens, d_model]"]),
        ["NONE pooling of tokens"] = (() => Sidecar.Request(new float[48], shape: [3, 16], pooling: WirePooling.None), GrpcStatusCode.InvalidArgument,
            ["NONE", "3 tokens"]),
        ["pooling the probes do not read"] = (() => Sidecar.Request(new float[48], shape: [3, 16], pooling: WirePooling.Mean), GrpcStatusCode.InvalidArgument,
            ["reads LAST-pooled", "MEAN-pooled"]),
        ["unknown dtype"] = (() => Sidecar.Request(ServingBundles.Vector(0), (WireDType)9), GrpcStatusCode.InvalidArgument, ["dtype 9"]),
        ["prompt without a model"] = (() => new ScoreRequest { Prompt = "hello" }, GrpcStatusCode.FailedPrecondition, [ModelNotLoadedException.NoModel]),
        ["token ids without a model"] = (() => new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, 5 } } }, GrpcStatusCode.FailedPrecondition,
            [ModelNotLoadedException.NoModel]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_request_gets_its_status_and_the_sidecar_still_serves(string name)
    {
        var (request, code, parts) = BadRequests[name];
        var error = await Sidecar.FailAsync(request());
        Assert.Equal(code, error.StatusCode);
        foreach (var part in parts) Assert.Contains(part, error.Detail);
        await StillServes();
    }

    [Fact]
    public async Task Missing_or_wrong_API_key_is_unauthenticated()
    {
        var noKey = await Sidecar.FailAsync(Sidecar.Request(ServingBundles.Vector(0)), new GrpcCallOptions { Deadline = DateTime.UtcNow.AddSeconds(10) });
        Assert.Equal(GrpcStatusCode.Unauthenticated, noKey.StatusCode);
        Assert.Contains("authorization: Bearer", noKey.Detail);
        var wrong = await Sidecar.FailAsync(Sidecar.Request(ServingBundles.Vector(0)),
            new GrpcCallOptions { Headers = new GrpcMetadata().Add("authorization", "Bearer test-kez") });
        Assert.Equal(GrpcStatusCode.Unauthenticated, wrong.StatusCode);
        var list = await Assert.ThrowsAsync<GrpcStatusException>(() => Sidecar.Channel.UnaryCall(ProbeMonitorMethods.ListProbes, new ListProbesRequest()).ResponseAsync);
        Assert.Equal(GrpcStatusCode.Unauthenticated, list.StatusCode);

        // Health and metrics over HTTP stay open.
        using var http = new HttpClient();
        Assert.Equal("ok\n", await http.GetStringAsync(new Uri(Sidecar.HttpAddress, "/healthz")));
        Assert.Contains("probemon_requests_total", await Sidecar.ScrapeAsync());
        await StillServes();
    }

    [Fact]
    public async Task A_stream_with_a_wrong_key_is_unauthenticated_for_writer_and_reader_even_when_writes_race_the_answer()
    {
        // The server answers Trailers-Only and resets the request stream; a write in flight sees the reset, possibly before
        // the response is processed. Both sides must still report the server's status, not a CANCELLED made up from the reset.
        var options = new GrpcCallOptions { Headers = new GrpcMetadata().Add("authorization", "Bearer test-kez"), Deadline = DateTime.UtcNow.AddSeconds(30) };
        for (int round = 0; round < 30; round++)
        {
            using var call = Sidecar.Channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream, options);
            var writer = Task.Run(async () =>
            {
                try
                {
                    while (true) await call.RequestStream.WriteAsync(Sidecar.Request(ServingBundles.Vector(round)));
                }
                catch (GrpcStatusException e)
                {
                    return e.StatusCode;
                }
            });
            var read = await Assert.ThrowsAsync<GrpcStatusException>(async () => { await foreach (var _ in call.ReadAllAsync()) { } });
            Assert.Equal((GrpcStatusCode.Unauthenticated, GrpcStatusCode.Unauthenticated), (read.StatusCode, await writer));
        }
        await StillServes();
    }

    [Fact]
    public async Task An_expired_deadline_is_deadline_exceeded()
    {
        using var client = new HttpClient(new SocketsHttpHandler()) { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var body = RawGrpc.Frame(Sidecar.Request(ServingBundles.Vector(0)).ToByteArray());
        var reply = await RawGrpc.PostAsync(client, Sidecar.GrpcAddress, ProbeMonitorMethods.Score.FullName, body,
            headers: [("grpc-timeout", "1n"), ("authorization", $"Bearer {SidecarFixture.ApiKey}")]);
        Assert.Equal((int)GrpcStatusCode.DeadlineExceeded, reply.GrpcStatus);
        await StillServes();
    }

    [Fact]
    public async Task An_oversized_message_is_resource_exhausted()
    {
        var x = new float[(SidecarFixture.MaxReceive / 4) + 16];
        var error = await Sidecar.FailAsync(Sidecar.Request(x, shape: [x.Length / 16, 16], pooling: WirePooling.Last));
        Assert.Equal(GrpcStatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains(SidecarFixture.MaxReceive.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Detail);
        await StillServes();
    }

    private async Task StillServes()
    {
        var x = ServingBundles.Vector(42);
        var response = await Sidecar.ScoreAsync(Sidecar.Request(x, requestId: "after"));
        Assert.Equal(fixture.Bundles.DenseProbability(x), response.Scores[0].Probability, 1e-5);
    }

    private static float[] With(float[] x, int index, float value)
    {
        x[index] = value;
        return x;
    }

    private static ScoreRequest WithData(ScoreRequest request, byte[] data)
    {
        request.Activations.Data = ByteString.CopyFrom(data);
        return request;
    }

    private static ScoreRequest WithProbes(ScoreRequest request, params string[] ids)
    {
        request.ProbeIds.Add(ids);
        return request;
    }
}
