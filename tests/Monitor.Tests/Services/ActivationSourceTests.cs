using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.Tests.Metrics;
using ProbeMonitor.Protocol;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>prompt, chat and token_ids through the <see cref="IActivationSource"/> seam: cache, forward batching, statuses.</summary>
public sealed class ActivationSourceTests : IDisposable
{
    private readonly ServingBundles _bundles = new();
    private readonly FakeActivationSource _model = new();

    public void Dispose() => _bundles.Dispose();

    private Task<Sidecar> StartAsync(params string[] args) =>
        Sidecar.StartAsync(_bundles.Root, args, services => services.AddSingleton<IActivationSource>(_model));

    private void AssertLastToken(int lastId, ScoreResponse response)
    {
        var x = ServingBundles.Vector(lastId);
        Assert.Equal(_bundles.DenseProbability(x), response.Scores[0].Probability, 1e-5);
        Assert.Equal(_bundles.SaeProbability(x).Probability, response.Scores[1].Probability, 1e-5);
        Assert.Equal((ServingBundles.Model, ServingBundles.Layer), (response.Model, response.Layer));
    }

    [Fact]
    public async Task Token_ids_prompt_and_chat_are_scored_and_repeats_come_from_the_cache()
    {
        await using var sidecar = await StartAsync();
        var ids = new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, 17, 99 } } };
        AssertLastToken(99, await sidecar.ScoreAsync(ids));
        Assert.Equal(1, _model.Sequences);
        AssertLastToken(99, await sidecar.ScoreAsync(ids));
        Assert.Equal(1, _model.Sequences); // the second came from the activation cache

        AssertLastToken('i', await sidecar.ScoreAsync(new ScoreRequest { Prompt = "hi" }));
        var chat = new ChatMessages { Messages = { new ChatMessage { Role = "user", Content = "yo" } } };
        AssertLastToken('o', await sidecar.ScoreAsync(new ScoreRequest { Chat = chat }));
        Assert.Equal(3, _model.Sequences);

        var samples = Exposition.Samples(await sidecar.ScrapeAsync());
        Assert.Equal(1, samples["probemon_cache_requests_total{result=\"hit\"}"]);
        Assert.Equal(3, samples["probemon_cache_requests_total{result=\"miss\"}"]);
        Assert.Equal(3, samples["probemon_forward_duration_seconds_count"]);
    }

    [Fact]
    public async Task Bad_tokens_fail_alone_with_invalid_argument()
    {
        await using var sidecar = await StartAsync();
        var empty = await sidecar.FailAsync(new ScoreRequest { TokenIds = new TokenIds() });
        Assert.Equal(GrpcStatusCode.InvalidArgument, empty.StatusCode);
        Assert.Contains("token ids are empty", empty.Detail);

        var calls = Enumerable.Range(0, 8).Select(i => sidecar.Channel.UnaryCall(ProbeMonitor.Monitor.Services.ProbeMonitorMethods.Score,
            new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, i == 3 ? 5000 : 100 + i } } }, sidecar.Options()).ResponseAsync).ToList();
        for (int i = 0; i < calls.Count; i++)
        {
            if (i == 3)
            {
                var error = await Assert.ThrowsAsync<GrpcStatusException>(() => calls[i]);
                Assert.Equal(GrpcStatusCode.InvalidArgument, error.StatusCode);
                Assert.Contains("id 5000, outside the vocabulary", error.Detail);
            }
            else AssertLastToken(100 + i, await calls[i]);
        }

        var role = await sidecar.FailAsync(new ScoreRequest { Chat = new ChatMessages { Messages = { new ChatMessage { Role = "robot", Content = "x" } } } });
        Assert.Equal(GrpcStatusCode.InvalidArgument, role.StatusCode);
        Assert.Contains("robot", role.Detail);
    }

    [Fact]
    public async Task A_full_queue_is_resource_exhausted_and_a_passed_deadline_is_deadline_exceeded()
    {
        await using var sidecar = await StartAsync("--queue-capacity", "1", "--max-batch", "1");
        using var gate = new SemaphoreSlim(0);
        _model.Gate = gate;

        var first = sidecar.ScoreAsync(new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, 10 } } });
        Assert.True(await _model.Entered.WaitAsync(TimeSpan.FromSeconds(20)));                   // running, held at the gate
        var second = sidecar.ScoreAsync(new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, 11 } } });
        await WaitForQueueDepth(sidecar, 1);                                                      // waiting in the queue
        var full = await sidecar.FailAsync(new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, 12 } } });
        Assert.Equal(GrpcStatusCode.ResourceExhausted, full.StatusCode);
        Assert.Contains("queue is full", full.Detail);

        // One at a time: the scoring queue behind the forward pass holds one request too.
        gate.Release();
        AssertLastToken(10, await first);
        gate.Release();
        AssertLastToken(11, await second);

        var late = await sidecar.FailAsync(new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, 13 } } }, sidecar.Options(DateTime.UtcNow.AddMilliseconds(300)));
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, late.StatusCode);
        gate.Release(1);

        _model.Gate = null;
        AssertLastToken(14, await sidecar.ScoreAsync(new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, 14 } } }));
    }

    [Fact]
    public async Task Stopping_the_host_lets_accepted_requests_finish()
    {
        var sidecar = await StartAsync();
        try
        {
            using var gate = new SemaphoreSlim(0);
            _model.Gate = gate;
            var running = sidecar.ScoreAsync(new ScoreRequest { TokenIds = new TokenIds { Ids = { 2, 21 } } });
            Assert.True(await _model.Entered.WaitAsync(TimeSpan.FromSeconds(20)));

            var stopping = sidecar.StopAsync();
            await Task.Delay(200);
            Assert.False(running.IsCompleted);
            gate.Release();

            AssertLastToken(21, await running); // answered, not cut off with UNAVAILABLE
            await stopping;
            // Once the server has stopped, the queues have drained and closed.
            var queue = sidecar.Services.GetRequiredService<ProbeMonitor.Monitor.Scoring.ScoringQueue>();
            await Assert.ThrowsAsync<ProbeMonitor.Monitor.Batching.BatcherStoppedException>(() =>
                queue.ScoreAsync(ProbeMonitor.Monitor.Scoring.PooledActivations.AnyPooling(ServingBundles.Vector(1), ServingBundles.Layer),
                    ProbeMonitor.Monitor.Scoring.ScoreOptions.Default));
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    private static async Task WaitForQueueDepth(Sidecar sidecar, int depth)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Exposition.Samples(await sidecar.ScrapeAsync())["probemon_queue_depth"] != depth)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the queue depth never reached {depth}");
            await Task.Delay(20);
        }
    }
}
