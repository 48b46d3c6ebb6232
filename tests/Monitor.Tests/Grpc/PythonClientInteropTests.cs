using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Grpc;

/// <summary>Runs Python grpcio's checks (Python/client_checks.py) once against MonitorApp with the fake scorer, gzip responses on.</summary>
public sealed class PythonClientChecks : IAsyncDisposable
{
    private readonly Lazy<Task<JsonElement>> _results;
    private WebApplication? _app;
    private string? _pb2;

    public PythonClientChecks() => _results = new(RunAsync);

    /// <summary>Per method path: the grpc-encoding of the request, its grpc-accept-encoding, and the grpc-encoding of the response.</summary>
    public ConcurrentDictionary<string, (string RequestEncoding, string AcceptEncoding, string ResponseEncoding)> Seen { get; } = new();

    public Task<JsonElement> Results => _results.Value;

    private async Task<JsonElement> RunAsync()
    {
        _pb2 = PythonGrpcPeer.GenerateMessages();
        _app = MonitorApp.Build(["--Logging:LogLevel:Default=Warning", "--urls", "http://127.0.0.1:0", "--grpc-urls", "http://127.0.0.1:0",
                "--Grpc:ResponseCompression", "gzip"],
            services => services.AddSingleton<IScoringService, FakeScoringService>());
        _app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                Seen[context.Request.Path + (context.Request.Headers["grpc-encoding"] == "gzip" ? "+gzip" : "")] = (
                    context.Request.Headers["grpc-encoding"].ToString(),
                    context.Request.Headers["grpc-accept-encoding"].ToString(),
                    context.Response.Headers["grpc-encoding"].ToString());
                return Task.CompletedTask;
            });
            await next();
        });
        await _app.StartAsync();
        var grpc = _app.Services.GetRequiredService<MonitorListeners>().BoundGrpcEndPoints.Single();
        var result = await Task.Run(() => Peers.Run(Peers.DebianPython,
            [PythonGrpcPeer.Script("client_checks.py"), _pb2, $"127.0.0.1:{grpc.Port}"], null, TimeSpan.FromSeconds(60)));
        if (result.ExitCode != 0) throw new InvalidOperationException($"client_checks.py exited {result.ExitCode}:\n{result.StdErr}");
        return JsonDocument.Parse(result.StdOut).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_pb2 is not null) Directory.Delete(_pb2, recursive: true);
    }
}

/// <summary>Python grpcio (an independent gRPC implementation) as the client of our server.</summary>
public sealed class PythonClientInteropTests(PythonClientChecks checks) : IClassFixture<PythonClientChecks>
{
    private async Task<JsonElement> Check(string name) => (await checks.Results).GetProperty(name);

    private static void AssertScore(JsonElement r, string id, int n)
    {
        Assert.Equal(id, r.GetProperty("request_id").GetString());
        Assert.Equal("fake-model", r.GetProperty("model").GetString());
        Assert.Equal(12, r.GetProperty("layer").GetInt32());
        Assert.Equal(FakeScoringService.Probability(n), (float)r.GetProperty("probability").GetDouble());
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Unary_Score_with_each_input_kind()
    {
        var unary = await Check("unary");
        Assert.True(unary.GetProperty("ok").GetBoolean(), unary.ToString());
        AssertScore(unary, "u1", "hello world".Length);
        AssertScore(await Check("unary_chat"), "u2", "abc".Length + "de".Length);
        AssertScore(await Check("unary_tokens"), "u3", 4);
        AssertScore(await Check("unary_activations"), "u4", 32);
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Bidi_ScoreStream_returns_every_response_in_order()
    {
        var responses = (await Check("stream")).GetProperty("responses").EnumerateArray().ToList();
        Assert.Equal(300, responses.Count);
        for (int i = 0; i < responses.Count; i++) AssertScore(responses[i], $"s{i}", i % 13);
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Error_status_and_detail_reach_grpcio_intact()
    {
        var error = await Check("error");
        Assert.False(error.GetProperty("ok").GetBoolean());
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("code").GetString());
        Assert.Equal(FakeScoringService.FailDetail, error.GetProperty("details").GetString());

        var midStream = await Check("error_stream");
        Assert.Equal(["a"], midStream.GetProperty("received").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("INVALID_ARGUMENT", midStream.GetProperty("code").GetString());
        Assert.Equal(FakeScoringService.FailDetail, midStream.GetProperty("details").GetString());
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Deadline_from_grpcio_ends_a_slow_call_with_DEADLINE_EXCEEDED()
    {
        var deadline = await Check("deadline");
        Assert.Equal("DEADLINE_EXCEEDED", deadline.GetProperty("code").GetString());
        Assert.InRange(deadline.GetProperty("elapsed").GetDouble(), 0.25, 4.5); // asked 0.3 s; the handler would sleep 5 s
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Gzip_both_ways_with_grpcio()
    {
        var unary = await Check("gzip_unary");
        Assert.True(unary.GetProperty("ok").GetBoolean(), unary.ToString());
        AssertScore(unary, "gz", unary.GetProperty("n").GetInt32());
        var stream = (await Check("gzip_stream")).GetProperty("responses").EnumerateArray().ToList();
        Assert.Equal(20, stream.Count);
        for (int i = 0; i < 20; i++) AssertScore(stream[i], $"gs{i}", 100 * i);

        // What crossed the wire: grpcio compressed its requests, and we compressed our responses because it accepts gzip.
        var seen = checks.Seen["/probemonitor.v1.ProbeMonitor/Score+gzip"];
        Assert.Equal("gzip", seen.RequestEncoding);
        Assert.Contains("gzip", seen.AcceptEncoding);
        Assert.Equal("gzip", seen.ResponseEncoding);
        Assert.Equal("gzip", checks.Seen["/probemonitor.v1.ProbeMonitor/ScoreStream+gzip"].ResponseEncoding);
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Health_check_answers_grpcio()
    {
        Assert.Equal("SERVING", (await Check("health_server")).GetProperty("status").GetString());
        Assert.Equal("SERVING", (await Check("health_service")).GetProperty("status").GetString());
        Assert.Equal("NOT_FOUND", (await Check("health_unknown")).GetProperty("code").GetString());
    }

    [PeerFact("python:grpc", "exe:protoc")]
    public async Task Limits_unknown_methods_and_other_unary_methods()
    {
        var big = await Check("too_big");
        Assert.Equal("RESOURCE_EXHAUSTED", big.GetProperty("code").GetString());
        Assert.Contains("maximum message size of 4194304 bytes", big.GetProperty("details").GetString());
        Assert.Equal("UNIMPLEMENTED", (await Check("unknown_method")).GetProperty("code").GetString());
        Assert.Equal(["fake-len"], (await Check("list_probes")).GetProperty("ids").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }
}
