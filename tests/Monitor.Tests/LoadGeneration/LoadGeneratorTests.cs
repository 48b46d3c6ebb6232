using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.LoadGeneration;
using ProbeMonitor.Monitor.Tests.Metrics;
using ProbeMonitor.Monitor.Tests.Services;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.LoadGeneration;

/// <summary>The load generator against the real sidecar in this process, at tiny open-loop rates so the counts are exact:
/// ⌈rate·(warm-up + duration)⌉ calls are sent and ⌈rate·duration⌉ of them measured. The sidecar's own request counters
/// (probemon_requests_total) are the independent tally.</summary>
public sealed class LoadGeneratorTests : IDisposable
{
    private const double Rate = 40;
    private static readonly TimeSpan Warmup = TimeSpan.FromMilliseconds(250), Duration = TimeSpan.FromMilliseconds(500);
    private const int Sent = 30, Measured = 20; // 40/s × 0.75 s, 40/s × 0.5 s

    private readonly ServingBundles _bundles = new();

    public void Dispose() => _bundles.Dispose();

    private static LoadGenOptions Open(Sidecar sidecar, RpcKind rpc = RpcKind.Unary, LoadMode mode = LoadMode.Activations) => new()
    {
        Target = sidecar.GrpcAddress,
        Mode = mode,
        Rpc = rpc,
        Concurrency = 3,
        Rate = Rate,
        Warmup = Warmup,
        Duration = Duration,
        ApiKey = sidecar.ApiKey,
    };

    [Theory]
    [InlineData(RpcKind.Unary, "Score")]
    [InlineData(RpcKind.Stream, "ScoreStream")]
    public async Task Open_loop_activations_are_all_answered_and_counted(RpcKind rpc, string method)
    {
        await using var sidecar = await Sidecar.StartAsync(_bundles.Root, ["--api-key", "k"]);
        var report = await LoadGenerator.RunAsync(Open(sidecar, rpc)); // width and layer from ListProbes

        Assert.Equal($"activations f32 [{ServingBundles.D}] layer {ServingBundles.Layer}", report.Payload);
        Assert.Equal((Measured, Measured, 0L), (report.Requests, report.Ok, report.Errors));
        Assert.Equal([GrpcStatusCode.OK], report.ByStatus.Keys);
        Assert.True(report.All.P50Us <= report.All.P99Us && report.All.P99Us <= report.All.MaxUs);
        Assert.True(report.Elapsed > TimeSpan.Zero);
        Assert.Equal((Measured, 0L), (report.Scheduled, report.Unsent));
        // Service time runs from the actual send, never before the scheduled time: it is at most the latency, request by request.
        Assert.Equal(report.All.Count, report.Service.Count);
        Assert.True(report.Service.MaxUs <= report.All.MaxUs && report.Service.MeanUs <= report.All.MeanUs);
        if (rpc == RpcKind.Unary)
            await WaitForCallsAsync(sidecar, method, "OK", Sent);
        else // every message was scored: the scorer's per-probe counter saw each of them once
            await WaitForScoredAsync(sidecar, Sent);
    }

    [Theory]
    [InlineData(RpcKind.Unary)]
    [InlineData(RpcKind.Stream)]
    public async Task A_wrong_api_key_makes_every_request_unauthenticated(RpcKind rpc)
    {
        await using var sidecar = await Sidecar.StartAsync(_bundles.Root, ["--api-key", "right"]);
        var options = Open(sidecar, rpc) with { ApiKey = "wrong", DModel = ServingBundles.D, Layer = ServingBundles.Layer };
        var report = await LoadGenerator.RunAsync(options);

        Assert.Equal((Measured, 0L, (long)Measured), (report.Requests, report.Ok, report.Errors));
        Assert.True(report.Count(GrpcStatusCode.Unauthenticated) == Measured, report.ToTable());
        Assert.Equal([GrpcStatusCode.Unauthenticated], report.ByStatus.Keys);
        if (rpc == RpcKind.Unary) await WaitForCallsAsync(sidecar, "Score", "Unauthenticated", Sent);
        var table = report.ToTable();
        Assert.Contains($"| UNAUTHENTICATED | {Measured} | 100.0% |", table);
        Assert.Contains($"errors {Measured} (UNAUTHENTICATED {Measured})", table);
    }

    [Fact]
    public async Task Without_an_api_key_list_probes_fails_with_a_clear_message()
    {
        await using var sidecar = await Sidecar.StartAsync(_bundles.Root, ["--api-key", "right"]);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => LoadGenerator.RunAsync(Open(sidecar) with { ApiKey = null }));
        Assert.Contains("UNAUTHENTICATED", e.Message);
        Assert.Contains("--d-model", e.Message);
    }

    [Theory]
    [InlineData(LoadMode.Prompt, RpcKind.Unary)]
    [InlineData(LoadMode.Chat, RpcKind.Stream)]
    public async Task Text_modes_run_through_the_model(LoadMode mode, RpcKind rpc)
    {
        var model = new FakeActivationSource();
        await using var sidecar = await Sidecar.StartAsync(_bundles.Root, ["--cache-size-mb", "0"], s => s.AddSingleton<IActivationSource>(model));
        var report = await LoadGenerator.RunAsync(Open(sidecar, rpc, mode));

        Assert.Equal((Measured, Measured), (report.Requests, report.Ok));
        Assert.Equal(Sent, model.Sequences); // no cache: one forward sequence per request sent
        Assert.StartsWith($"{mode.ToString().ToLowerInvariant()} × {PromptTexts.BuiltInCount} from built-in set", report.Payload);
    }

    [Fact]
    public async Task Text_without_a_model_is_failed_precondition_for_every_request()
    {
        await using var sidecar = await Sidecar.StartAsync(_bundles.Root);
        var report = await LoadGenerator.RunAsync(Open(sidecar, mode: LoadMode.Prompt));
        Assert.Equal((Measured, 0L), (report.Requests, report.Ok));
        Assert.Equal(Measured, report.Count(GrpcStatusCode.FailedPrecondition));
        await WaitForCallsAsync(sidecar, "Score", "FailedPrecondition", Sent);
    }

    [Theory]
    [InlineData(RpcKind.Unary)]
    [InlineData(RpcKind.Stream)]
    public async Task Closed_loop_without_warmup_measures_every_request_the_server_answered(RpcKind rpc)
    {
        await using var sidecar = await Sidecar.StartAsync(_bundles.Root);
        var options = Open(sidecar, rpc) with { Rate = null, Warmup = TimeSpan.Zero, Duration = TimeSpan.FromMilliseconds(300), Concurrency = 2, StreamWindow = 4 };
        var report = await LoadGenerator.RunAsync(options);

        Assert.True(report.Requests > 0);
        Assert.Equal(report.Requests, report.Ok);
        // Each request the server scored was measured once (no warm-up): its per-probe counter is the independent count.
        await WaitForScoredAsync(sidecar, report.Requests);
    }

    /// <summary>Waits (up to 20 s: the server counts a call just after answering it) for the one sample of <paramref name="name"/>
    /// whose labels include <paramref name="labels"/> to reach <paramref name="expected"/>, asserts it got there exactly, and returns it.</summary>
    private static async Task<double> WaitForCountAsync(Sidecar sidecar, string name, string[] labels, double expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var matches = Exposition.Samples(await sidecar.ScrapeAsync())
                .Where(kv => kv.Key.StartsWith(name + "{", StringComparison.Ordinal) && labels.All(l => kv.Key.Contains(l, StringComparison.Ordinal)))
                .ToList();
            Assert.True(matches.Count <= 1, $"several samples of {name} match: {string.Join("; ", matches.Select(m => m.Key))}");
            double value = matches.Count == 1 ? matches[0].Value : 0;
            if (value >= expected || DateTime.UtcNow > deadline)
            {
                Assert.Equal(expected, value);
                return value;
            }
            await Task.Delay(20);
        }
    }

    private static Task<double> WaitForCallsAsync(Sidecar sidecar, string method, string status, double expected) =>
        WaitForCountAsync(sidecar, "probemon_requests_total", [$"method=\"{method}\"", $"status=\"{status}\""], expected);

    private static Task<double> WaitForScoredAsync(Sidecar sidecar, double expected) =>
        WaitForCountAsync(sidecar, "probemon_probe_scored_total", [$"probe=\"{ServingBundles.DenseId}\""], expected);
}
