using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>Starts Python/peer_server.py (grpcio, gzip responses) on first use and kills it by PID at the end.</summary>
public sealed class PythonPeerServer : IDisposable
{
    private readonly Lazy<Task<PythonGrpcPeer.Server>> _server;
    private string? _pb2;

    public PythonPeerServer() => _server = new(() =>
    {
        _pb2 = PythonGrpcPeer.GenerateMessages();
        return PythonGrpcPeer.Server.StartAsync(_pb2);
    });

    public async Task<GrpcChannel> ChannelAsync() => GrpcChannel.ForAddress((await _server.Value).Address);

    public void Dispose()
    {
        if (_server.IsValueCreated && _server.Value.IsCompletedSuccessfully) _server.Value.Result.Dispose();
        if (_pb2 is not null) Directory.Delete(_pb2, recursive: true);
    }
}

/// <summary>Our client against Python grpcio's server: proof that the client speaks standard gRPC, not just our own dialect.</summary>
public sealed class PythonServerInteropTests(PythonPeerServer peer) : IClassFixture<PythonPeerServer>
{
    private static float Probability(int n) => (float)(n / (n + 1.0)); // the Python server computes in double, sends float32

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Unary_call_with_metadata_both_ways()
    {
        using var channel = await peer.ChannelAsync();
        byte[] blob = [0, 1, 2, 250, 255];
        var options = new GrpcCallOptions { Headers = new GrpcMetadata().Add("x-tenant", "acme").Add("x-trace-bin", blob) };
        using var call = channel.UnaryCall(ProbeMonitorMethods.Score, new ScoreRequest { RequestId = "py1", Prompt = "seven77" }, options);
        var response = await call;
        Assert.Equal("py1", response.RequestId);
        Assert.Equal("python-peer", response.Model);
        Assert.Equal(Probability(7), response.Scores.Single().Probability);
        var headers = await call.ResponseHeadersAsync;
        Assert.Equal("acme", headers.GetValue("x-tenant"));
        Assert.Equal(blob, headers.GetValueBytes("x-trace-bin"));
        Assert.Equal("acme", call.GetTrailers().GetValue("trailer-x-tenant"));
        Assert.Equal(blob, call.GetTrailers().GetValueBytes("trailer-x-trace-bin"));
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Bidi_stream_with_gzip_requests_and_gzip_responses()
    {
        using var channel = await peer.ChannelAsync();
        using var call = channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream, new GrpcCallOptions { RequestCompression = GrpcCompression.Gzip });
        var writing = Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
                await call.RequestStream.WriteAsync(new ScoreRequest { RequestId = $"b{i}", TokenIds = new TokenIds { Ids = { Enumerable.Range(0, i % 17) } } });
            await call.RequestStream.CompleteAsync();
        });
        int count = 0;
        await foreach (var r in call.ReadAllAsync())
        {
            Assert.Equal($"b{count}", r.RequestId);
            Assert.Equal(Probability(count % 17), r.Scores.Single().Probability);
            count++;
        }
        await writing;
        Assert.Equal(200, count);
        Assert.Equal(GrpcStatusCode.OK, call.GetStatus().Code);
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Python_abort_becomes_a_GrpcStatusException()
    {
        using var channel = await peer.ChannelAsync();
        var e = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryCall(ProbeMonitorMethods.Score, new ScoreRequest { RequestId = "fail" }).ResponseAsync);
        Assert.Equal(GrpcStatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("python says no: 100% ✗", e.Detail);

        using var stream = channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream);
        await stream.RequestStream.WriteAsync(new ScoreRequest { RequestId = "ok", Prompt = "x" });
        await stream.RequestStream.WriteAsync(new ScoreRequest { RequestId = "fail" });
        var seen = new List<string>();
        var s = await Assert.ThrowsAsync<GrpcStatusException>(async () =>
        {
            await foreach (var r in stream.ReadAllAsync()) seen.Add(r.RequestId);
        });
        Assert.Equal(["ok"], seen);
        Assert.Equal(GrpcStatusCode.InvalidArgument, s.StatusCode);
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Deadline_and_unknown_method_against_grpcio()
    {
        using var channel = await peer.ChannelAsync();
        await channel.UnaryCall(ProbeMonitorMethods.Score, new ScoreRequest { RequestId = "warm" }); // connect first
        var slow = await Assert.ThrowsAsync<GrpcStatusException>(() => channel.UnaryCall(ProbeMonitorMethods.Score,
            new ScoreRequest { RequestId = "sleep:3000" }, new GrpcCallOptions { Deadline = DateTime.UtcNow.AddMilliseconds(300) }).ResponseAsync);
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, slow.StatusCode);

        var unknown = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            channel.UnaryCall(ProbeMonitorMethods.ListProbes, new ListProbesRequest()).ResponseAsync);
        Assert.Equal(GrpcStatusCode.Unimplemented, unknown.StatusCode);
    }
}
