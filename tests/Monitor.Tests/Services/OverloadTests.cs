using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Batching;
using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Monitor.Tests.Metrics;
using ProbeMonitor.Protocol;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>A sidecar with a small queue (<c>--queue-capacity 4 --max-batch 1</c>) flooded far beyond it while its worker is
/// held: the excess is refused with RESOURCE_EXHAUSTED at once — every refusal arrives while the worker is still held, so
/// none waited for queue space — the accepted requests are answered correctly once it is let go, nothing crashes, and the
/// sidecar serves normally afterwards. Counts come from the sidecar's own request counters too.</summary>
public sealed class OverloadTests : IDisposable
{
    private const int Capacity = 4, Flood = 100;
    private static readonly string[] SmallQueue = ["--queue-capacity", "4", "--max-batch", "1", "--activations-max-wait-ms", "0"];
    private readonly ServingBundles _bundles = new();

    public void Dispose() => _bundles.Dispose();

    [Fact]
    public async Task Pushed_activations_beyond_the_scoring_queue_are_refused_while_the_scorer_is_blocked()
    {
        var gate = new GatedObserver();
        await using var sidecar = await StartGatedAsync(gate);

        await FloodAsync(sidecar, i => Sidecar.Request(ServingBundles.Vector(i), requestId: $"r{i}"), gate.Entered, _ => gate.Open(), gate.Open, i => ServingBundles.Vector(i));
    }

    [Fact]
    public async Task Text_beyond_the_forward_queue_is_refused_while_the_model_is_blocked()
    {
        var model = new FakeActivationSource();
        await using var sidecar = await Sidecar.StartAsync(_bundles.Root, [.. SmallQueue, "--cache-size-mb", "0"], s => s.AddSingleton<IActivationSource>(model));
        using var gate = new SemaphoreSlim(0);
        model.Gate = gate;

        // Token ids (2, i): the fake model's last-token activation is Vector(i). The accepted requests are let through the model
        // one at a time, because behind it they meet the scoring queue, whose capacity the same switch set to 4.
        await FloodAsync(sidecar, i => new ScoreRequest { RequestId = $"r{i}", TokenIds = new TokenIds { Ids = { 2, i } } }, model.Entered,
            n => gate.Release(n), () => model.Gate = null, i => ServingBundles.Vector(i));
    }

    /// <param name="clientSendsBodyLater">true: the held-back message is sent after the answer (the server reads and drops
    /// it); false: the client never sends it (the server's drain gives up after its few seconds' patience rather than hold
    /// the call; no timing is asserted).</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task With_every_queue_full_Score_is_refused_before_its_request_message_arrives(bool clientSendsBodyLater)
    {
        var gate = new GatedObserver();
        await using var sidecar = await StartGatedAsync(gate);
        using var opened = new OpenOnDispose(gate); // a failed assertion must not leave the worker held for minutes
        var first = sidecar.ScoreAsync(Sidecar.Request(ServingBundles.Vector(0)));
        Assert.True(await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30)), "the first request never reached the worker");
        var queued = Enumerable.Range(1, Capacity).Select(i => sidecar.ScoreAsync(Sidecar.Request(ServingBundles.Vector(i)))).ToList();
        var queue = sidecar.Services.GetRequiredService<ScoringQueue>();
        var guard = DateTime.UtcNow.AddSeconds(30);
        while (!queue.IsFull && DateTime.UtcNow < guard) await Task.Delay(10);
        Assert.True(queue.IsFull, $"the queue never filled ({queue.QueueDepth} of {Capacity})");

        // Headers only: the request message is held back until the answer is in, so only a refusal made before reading can arrive.
        var http = new HttpClient(new SocketsHttpHandler());
        // The connection is opened and its SETTINGS exchanged first, so no frame of the handshake can carry the held-back
        // request's HEADERS out with it: they go only because the content flushes them (see HeldBackContent).
        using (var warm = new HttpRequestMessage(HttpMethod.Post, new Uri(sidecar.GrpcAddress, "/" + HealthGrpcService.Check.FullName.TrimStart('/')))
               {
                   Content = new ByteArrayContent(new byte[5]) { Headers = { { "Content-Type", "application/grpc" } } },
                   Version = System.Net.HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
               })
        using (var warmed = await http.SendAsync(warm).WaitAsync(TimeSpan.FromSeconds(30)))
            Assert.Equal("0", Header(warmed, "grpc-status") is { Length: > 0 } h ? h : TrailerOf(warmed, "grpc-status"));
        var body = new HeldBackContent();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sidecar.GrpcAddress, "/" + ProbeMonitorMethods.Score.FullName.TrimStart('/')))
        {
            Content = body, Version = System.Net.HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(30)))
        {
            Assert.False(body.Sent);
            Assert.Equal("8", Header(response, "grpc-status")); // RESOURCE_EXHAUSTED, Trailers-Only
            Assert.Contains($"queue is full ({Capacity} requests waiting)", Uri.UnescapeDataString(Header(response, "grpc-message")));
        }
        if (clientSendsBodyLater) body.Release();
        http.Dispose();

        // Either way the refused call ends on the server and is counted there (after its drain), once.
        var until = DateTime.UtcNow.AddSeconds(30);
        double refused = 0;
        while (DateTime.UtcNow < until && (refused = Exposition.Samples(await sidecar.ScrapeAsync())
                   .GetValueOrDefault("probemon_request_duration_seconds_count{method=\"Score\",status=\"ResourceExhausted\"}")) < 1)
            await Task.Delay(20);
        Assert.Equal(1, refused);
        body.Release(); // lets the never-sent content's task end

        gate.Open();
        await first;
        await Task.WhenAll(queued);
        // Room again: the same sidecar reads and answers the next call.
        await sidecar.ScoreAsync(Sidecar.Request(ServingBundles.Vector(9)));
    }

    /// <summary>A small-queue sidecar whose scoring queue reports to <paramref name="gate"/>, which holds its consumer.</summary>
    private Task<Sidecar> StartGatedAsync(GatedObserver gate) =>
        Sidecar.StartAsync(_bundles.Root, SmallQueue, services => services.AddSingleton(sp => new ScoringQueue(
            sp.GetRequiredService<ProbeRegistry>(), sp.GetRequiredService<ProbeScorer>(), sp.GetRequiredService<MonitorOptions>().ToActivationBatcherOptions(),
            gate.Wrapping(new BatcherMetricsObserver(sp.GetRequiredService<MonitorMetrics>(), sp.GetRequiredService<BatcherMetricsObserver.SharedDepth>())),
            sp.GetRequiredService<MonitorMetrics>())));

    private sealed class OpenOnDispose(GatedObserver gate) : IDisposable
    {
        public void Dispose() => gate.Open();
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    private static string TrailerOf(HttpResponseMessage response, string name) =>
        response.TrailingHeaders.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    /// <summary>A gRPC request body that is sent only when released: one framed, empty ScoreRequest.</summary>
    private sealed class HeldBackContent : HttpContent
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public HeldBackContent() => Headers.TryAddWithoutValidation("Content-Type", "application/grpc");

        public bool Sent { get; private set; }

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            // SocketsHttpHandler holds an HTTP/2 request's HEADERS back until its content writes or flushes. Without this
            // flush they left only when some other frame flushed the connection, and the test timed out when none did.
            await stream.FlushAsync();
            await _release.Task;
            Sent = true;
            await stream.WriteAsync(new byte[5]); // uncompressed, length 0
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>One request into the worker (held there), then <see cref="Flood"/> more at once: <see cref="Capacity"/> queue, the
    /// rest must all be refused before the worker is released. <paramref name="release"/> lets n more requests past the worker;
    /// <paramref name="open"/> stops holding it.</summary>
    private async Task FloodAsync(Sidecar sidecar, Func<int, ScoreRequest> request, SemaphoreSlim entered, Action<int> release, Action open,
        Func<int, float[]> vector)
    {
        var first = sidecar.ScoreAsync(request(0));
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30)), "the first request never reached the worker");

        var calls = Enumerable.Range(1, Flood).Select(i => (I: i, Task: sidecar.ScoreAsync(request(i)))).ToList();
        int refusals = Flood - Capacity;
        // Hang guard only (no timing is asserted): the refusals must all arrive while the worker is still held.
        var refused = await CompletedAsync(calls.Select(c => c.Task), refusals, TimeSpan.FromSeconds(60));
        Assert.Equal(refusals, refused.Count);
        foreach (var t in refused)
        {
            var e = Assert.IsType<GrpcStatusException>(t.Exception!.InnerException);
            Assert.Equal(GrpcStatusCode.ResourceExhausted, e.StatusCode);
            Assert.Contains($"queue is full ({Capacity} requests waiting)", e.Detail);
        }
        Assert.False(first.IsCompleted);
        var accepted = calls.Where(c => !refused.Contains(c.Task)).ToList();
        Assert.Equal(Capacity, accepted.Count);
        Assert.All(accepted, c => Assert.False(c.Task.IsCompleted));

        // A stream into the full queue ends with the same status, also while the worker is held.
        using (var stream = sidecar.Channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream, sidecar.Options()))
        {
            await stream.RequestStream.WriteAsync(request(Flood + 1));
            var e = await Assert.ThrowsAsync<GrpcStatusException>(async () => { await foreach (var _ in stream.ReadAllAsync()) { } });
            Assert.Equal(GrpcStatusCode.ResourceExhausted, e.StatusCode);
        }
        Assert.False(first.IsCompleted);

        // Let the held and the queued requests through one by one; each is answered correctly.
        var waiting = accepted.Select(c => (c.I, c.Task)).Prepend((I: 0, Task: first)).ToList();
        while (waiting.Count > 0)
        {
            release(1);
            var done = await Task.WhenAny(waiting.Select(w => w.Task));
            var (i, _) = waiting.Single(w => w.Task == done);
            waiting.RemoveAll(w => w.Task == done);
            AssertScores(vector(i), await done);
        }
        open();

        // Served normally afterwards, unary and streamed.
        for (int i = 0; i < 10; i++) AssertScores(vector(200 + i), await sidecar.ScoreAsync(request(200 + i)));
        using (var stream = sidecar.Channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream, sidecar.Options()))
        {
            for (int i = 0; i < 10; i++) await stream.RequestStream.WriteAsync(request(300 + i));
            await stream.RequestStream.CompleteAsync();
            int n = 0;
            await foreach (var response in stream.ReadAllAsync()) AssertScores(vector(300 + n++), response);
            Assert.Equal(10, n);
        }
        var health = await sidecar.Channel.UnaryCall(HealthGrpcService.Check, new HealthCheckRequest { Service = ProbeMonitorMethods.ServiceName }, sidecar.Options());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        var samples = await SamplesAsync(sidecar, 1 + Capacity + 10);
        Assert.Equal(refusals, samples["probemon_requests_total{method=\"Score\",status=\"ResourceExhausted\"}"]);
        Assert.Equal(1 + Capacity + 10, samples["probemon_requests_total{method=\"Score\",status=\"OK\"}"]);
        Assert.Equal(0, samples["probemon_queue_depth"]);
    }

    private void AssertScores(float[] x, ScoreResponse response)
    {
        Assert.Equal(_bundles.DenseProbability(x), response.Scores.Single(s => s.ProbeId == ServingBundles.DenseId).Probability, 1e-5);
        Assert.Equal(_bundles.SaeProbability(x).Probability, response.Scores.Single(s => s.ProbeId == ServingBundles.SaeId).Probability, 1e-5);
    }

    /// <summary>/metrics once the Score OK counter has caught up with the last answers (the server counts a call just after answering it).</summary>
    private static async Task<Dictionary<string, double>> SamplesAsync(Sidecar sidecar, double okCalls)
    {
        var guard = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var samples = Exposition.Samples(await sidecar.ScrapeAsync());
            if (samples.GetValueOrDefault("probemon_requests_total{method=\"Score\",status=\"OK\"}") >= okCalls || DateTime.UtcNow > guard) return samples;
            await Task.Delay(20);
        }
    }

    /// <summary>The first <paramref name="count"/> tasks to complete (all of those completed when it returns), or fewer if the guard ran out.</summary>
    private static async Task<HashSet<Task>> CompletedAsync(IEnumerable<Task> tasks, int count, TimeSpan guard)
    {
        var pending = tasks.ToHashSet();
        var done = new HashSet<Task>();
        using var timeout = new CancellationTokenSource(guard);
        while (done.Count < count && pending.Count > 0)
        {
            try
            {
                var next = await Task.WhenAny(pending).WaitAsync(timeout.Token);
                pending.Remove(next);
                done.Add(next);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return done;
    }

    /// <summary>Holds the scoring queue's consumer in <see cref="IBatcherObserver.BatchDispatched"/> (just before the scorer runs)
    /// until opened, and signals each batch that arrives there; forwards every event to the real metrics observer.</summary>
    private sealed class GatedObserver
    {
        private readonly ManualResetEventSlim _open = new(false);

        public SemaphoreSlim Entered { get; } = new(0);

        public void Open() => _open.Set();

        public IBatcherObserver Wrapping(IBatcherObserver inner) => new Forwarding(this, inner);

        private sealed class Forwarding(GatedObserver gate, IBatcherObserver inner) : IBatcherObserver
        {
            public void QueueDepthChanged(int depth) => inner.QueueDepthChanged(depth);

            public void BatchDispatched(int items, long tokens)
            {
                inner.BatchDispatched(items, tokens);
                gate.Entered.Release();
                gate._open.Wait(TimeSpan.FromMinutes(2)); // bounded, so a failing test cannot hang the host's shutdown forever
            }

            public void ItemDropped(BatchItemDrop reason) => inner.ItemDropped(reason);
        }
    }
}
