using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Kernels;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Benchmarks;

/// <summary>The sidecar serving pushed activations: ScoreStream requests/s, unary latency at a fixed rate, and the same
/// client against a raw Kestrel HTTP/2 echo and a gRPC-layer echo hosted in the same server process.</summary>
/// <remarks>
/// The server is this program started again as a child process (<c>serve --server</c>): the real MonitorApp with four
/// probes of Gemma-2-2B width (dense and SAE, two tasks, d = 2304), plus two echo methods on its gRPC port. The raw echo
/// answers every length-prefixed frame with a canned response frame straight from Kestrel's pipes, no gRPC layer and no
/// protobuf; the gRPC echo goes through the layer (parse the request, write a canned response) but does no scoring.
/// So raw → gRPC echo is the layer's cost and gRPC echo → Score the scoring pipeline's. (The raw echo flushes once per
/// read, the layer once per message, as a gRPC server must to keep latency low.) Client and server share the machine;
/// the load average is printed before and after, and each stream row also gives the CPU time server and client spent
/// per message, which a busy machine disturbs far less than messages/s; the last column, 10⁶ / max(server, client µs),
/// is what the pair would reach with a free core each.
/// </remarks>
public static class ServeBenchmark
{
    private const int D = 2304;
    private const int Layer = 12;

    /// <summary>Client options: <c>--messages N</c> per stream run (20,000), <c>--repeats R</c> (3), <c>--rate R</c> unary calls/s (1,000),
    /// <c>--seconds S</c> of fixed-rate unary (5), <c>--unary-client both|csharp|python</c> (both), <c>--dtype f32|bf16</c> (f32), <c>--max-batch</c>, <c>--activations-max-wait-ms</c> passed to the server.</summary>
    public static int Run(string[] args)
    {
        if (args.Contains("--server")) return ServeAsync(args).GetAwaiter().GetResult();
        return ClientAsync(args).GetAwaiter().GetResult();
    }

    // ---------------------------------------------------------------- client

    private static async Task<int> ClientAsync(string[] args)
    {
        int messages = Int(args, "--messages", 20_000), repeats = Int(args, "--repeats", 3), rate = Int(args, "--rate", 1000), seconds = Int(args, "--seconds", 5);
        string unaryClients = Option(args, "--unary-client") ?? "both";
        if (unaryClients is not ("both" or "csharp" or "python")) throw new ArgumentException($"--unary-client must be both, csharp or python, not '{unaryClients}'.");
        var dtype = Option(args, "--dtype") == "bf16" ? Activations.Types.DType.Bf16 : Activations.Types.DType.F32;
        var serverArgs = new List<string>();
        foreach (var key in new[] { "--max-batch", "--activations-max-wait-ms", "--queue-capacity" })
            if (Option(args, key) is { } v) serverArgs.AddRange([key, v]);

        MonitorApp.PreferInlineKernels(); // the in-process scorer timing uses what the server uses
        var probes = ServeBundles.Write(D, Layer);
        var (scoreUs, scoreRows) = await ScorerAloneAsync(probes, Int(args, "--max-batch", 32));
        using var server = await ServerProcess.StartAsync(probes, serverArgs);
        Console.WriteLine($"serve: d_model {D}, {dtype}, {ServeBundles.ProbeCount} probes (dense + SAE × 2 tasks); server pid {server.Pid} ({string.Join(' ', serverArgs)}); " +
                          $"{Environment.ProcessorCount} logical CPUs; load average before {BenchmarkTimer.LoadAverage():F2}");
        try
        {
            using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
            var request = Request(dtype);
            var first = await channel.UnaryCall(ProbeMonitorMethods.Score, request);
            if (first.Scores.Count != ServeBundles.ProbeCount) throw new InvalidOperationException($"{first.Scores.Count} scores, expected {ServeBundles.ProbeCount}");

            var raw = GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.DuplexStreaming, "bench.Echo", "Raw");
            var echo = GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.DuplexStreaming, "bench.Echo", "Grpc");
            var echoUnary = GrpcMethod.Create<ScoreRequest, ScoreResponse>(GrpcMethodType.Unary, "bench.Echo", "GrpcUnary");
            foreach (var m in new[] { raw, echo, ProbeMonitorMethods.ScoreStream }) await StreamAsync(channel, m, request, 2000); // warm-up: JIT, pools

            var rows = new List<(string Name, double PerSecond, double ServerCpuUs, double ClientCpuUs)>();
            foreach (var (name, method) in new[] { ("raw Kestrel HTTP/2 echo", raw), ("gRPC layer echo", echo), ("ScoreStream (scoring)", ProbeMonitorMethods.ScoreStream) })
            {
                var runs = new List<double>();
                var serverCpu = server.CpuTime();
                var clientCpu = ClientCpuTime();
                for (int r = 0; r < repeats; r++) runs.Add(await StreamAsync(channel, method, request, messages));
                double perMessage = 1e6 / ((double)messages * repeats);
                rows.Add((name, BenchmarkTimer.Median(runs), (server.CpuTime() - serverCpu).TotalSeconds * perMessage, (ClientCpuTime() - clientCpu).TotalSeconds * perMessage));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: runs {string.Join(", ", runs.Select(v => v.ToString("N0", CultureInfo.InvariantCulture)))} msg/s"));
            }
            var batches = await server.BatchSizesAsync();

            var unary = new List<(string, UnaryFixedRate.Latency)>();
            if (unaryClients != "python")
                foreach (var (name, method) in new[] { ("Score (scoring), C# client", ProbeMonitorMethods.Score), ("gRPC layer echo, C# client", echoUnary) })
                    unary.Add((name, await UnaryFixedRate.CSharpAsync(server, channel, method, request, rate, seconds)));
            if (unaryClients != "csharp" && PythonFixedRate.Missing() is { } noPython)
                Console.WriteLine($"  (no Python grpcio client run: {noPython})");
            else if (unaryClients != "csharp")
            {
                foreach (var (name, method) in new[] { ("Score (scoring), Python grpcio client", ProbeMonitorMethods.Score), ("gRPC layer echo, Python grpcio client", echoUnary) })
                    unary.Add((name, await UnaryFixedRate.PythonAsync(server, method, request, rate, seconds)));
                unary.Add(("peer: grpcio server echo, Python grpcio client", await UnaryFixedRate.PythonPeerAsync(request, CannedResponse(), echoUnary.FullName, rate, seconds)));
            }

            double rawRate = rows[0].PerSecond;
            Console.WriteLine();
            Console.WriteLine($"| 1 stream, {messages:N0} messages × {repeats} (median) | messages/s | vs raw echo | server CPU µs/msg | client CPU µs/msg | msg/s if both had a core each |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            foreach (var (name, perSecond, serverUs, clientUs) in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {perSecond:N0} | {perSecond / rawRate:P0} | {serverUs:F1} | {clientUs:F1} | {1e6 / Math.Max(serverUs, clientUs):N0} |"));
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean scoring batch size over the whole run: {batches:F1}; " +
                $"ProbeScorer alone, in this process, batches of {scoreRows}: {scoreUs:F1} µs per request, best of 30 (≈ {1e6 / scoreUs:N0} requests/s)"));
            Console.WriteLine();
            Console.WriteLine($"| unary at {rate:N0} calls/s for {seconds} s (latency from the scheduled send) | p50 µs | p99 µs | max µs | achieved calls/s | failed | send lag p50 / p99 µs | client GCs (pause ms) | server GCs (pause ms) | server-measured p50 / p99 (bucket bound) | CPU steal |");
            Console.WriteLine("|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
            foreach (var (name, u) in unary)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {u.P50:N0} | {u.P99:N0} | {u.Max:N0} | {u.Achieved:N0} | {u.Failures} | {u.LagP50:N0} / {u.LagP99:N0} | {(u.ClientGcs is { } gcs ? $"{gcs} ({u.ClientGcPauseMs:F0})" : "—")} | {u.ServerGcs} ({u.ServerGcPauseMs:F0}) | {u.ServerSide} | {u.Steal} |"));
            Console.WriteLine();
            Console.WriteLine($"load average after {BenchmarkTimer.LoadAverage():F2}");
        }
        finally
        {
            Directory.Delete(probes, recursive: true);
        }
        return 0;
    }

    /// <summary>The scoring step alone (ProbeScorer over the same bundles, no transport): the best of 30 timings, in µs per
    /// request over batches of <paramref name="rows"/> (the best, because on a shared machine the others measure the neighbours).</summary>
    private static async Task<(double MicrosPerRequest, int Rows)> ScorerAloneAsync(string probes, int rows)
    {
        var registry = new ProbeMonitor.Monitor.Scoring.ProbeRegistry(probes);
        await registry.ReloadAsync();
        var scorer = new ProbeMonitor.Monitor.Scoring.ProbeScorer(registry);
        var rng = new Random(9);
        var x = new float[rows * D];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var batch = ProbeMonitor.Monitor.Scoring.PooledBatch.AnyPooling(x, rows, D);
        // Warm up long enough for tiered JIT to replace the kernels' first, unoptimised code: 20 calls were not, and timed
        // tier-0 code at about five times the steady cost.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 200 || warm.Elapsed < TimeSpan.FromSeconds(1.5); i++) scorer.Score(batch);
        var samples = new List<double>();
        for (int i = 0; i < 30; i++) samples.Add(BenchmarkTimer.TimeOnce(() => scorer.Score(batch)) * 1e3 / rows); // ms → µs per request
        return (samples.Min(), rows);
    }

    internal static ScoreRequest Request(Activations.Types.DType dtype)
    {
        var rng = new Random(5);
        var x = new float[D];
        for (int i = 0; i < D; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        byte[] data;
        if (dtype == Activations.Types.DType.Bf16)
        {
            data = new byte[D * 2];
            for (int i = 0; i < D; i++) BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(i * 2), FloatConversion.SingleToBFloat16(x[i]));
        }
        else
        {
            data = new byte[D * 4];
            for (int i = 0; i < D; i++) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), x[i]);
        }
        return new ScoreRequest
        {
            RequestId = "bench",
            Activations = new Activations { Data = ByteString.CopyFrom(data), Dtype = dtype, Shape = { D }, Layer = Layer, Pooling = Activations.Types.Pooling.None },
        };
    }

    /// <summary>Messages per second over one duplex call: a writer task sends <paramref name="count"/> requests while the caller reads.</summary>
    internal static async Task<double> StreamAsync(GrpcChannel channel, GrpcMethod<ScoreRequest, ScoreResponse> method, ScoreRequest request, int count)
    {
        using var call = channel.DuplexStreamingCall(method, new GrpcCallOptions { Deadline = DateTime.UtcNow.AddMinutes(5) });
        var clock = Stopwatch.StartNew();
        var writer = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++) await call.RequestStream.WriteAsync(request);
            await call.RequestStream.CompleteAsync();
        });
        int received = 0;
        await foreach (var response in call.ReadAllAsync())
        {
            if (response.Scores.Count != ServeBundles.ProbeCount) throw new InvalidOperationException($"a response of {method.Name} holds {response.Scores.Count} scores");
            received++;
        }
        await writer;
        if (received != count) throw new InvalidOperationException($"{received} of {count} responses arrived on {method.Name}");
        return count / clock.Elapsed.TotalSeconds;
    }


    private static TimeSpan ClientCpuTime()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }


    // ---------------------------------------------------------------- server (child process)

    private static async Task<int> ServeAsync(string[] args)
    {
        await using var app = BuildServer(args.Where(a => a != "--server"));
        await app.StartAsync();
        var listeners = app.Services.GetRequiredService<MonitorListeners>();
        Console.WriteLine($"grpc {listeners.BoundGrpcEndPoints[0]} http {listeners.BoundHttpEndPoints[0]}");
        Console.Out.Flush();
        await Console.In.ReadToEndAsync(); // the parent closes stdin to stop us
        await app.StopAsync();
        return 0;
    }

    /// <summary>The sidecar on ephemeral loopback ports with the raw and gRPC echo methods added (not started).</summary>
    internal static WebApplication BuildServer(IEnumerable<string> args)
    {
        var appArgs = new List<string> { "--Logging:LogLevel:Default=Warning", "--urls", "http://127.0.0.1:0", "--grpc-urls", "http://127.0.0.1:0" };
        appArgs.AddRange(args);
        MonitorApp.PreferInlineKernels(); // as Program.cs does
        var app = MonitorApp.Build(appArgs.ToArray());
        var canned = CannedResponse();
        var cannedFrame = new byte[5 + canned.CalculateSize()];
        BinaryPrimitives.WriteUInt32BigEndian(cannedFrame.AsSpan(1), (uint)(cannedFrame.Length - 5));
        canned.WriteTo(cannedFrame.AsSpan(5));
        app.MapPost("/bench.Echo/Raw", http => RawEchoAsync(http, cannedFrame));
        // For the soak benchmark: the managed heap as the last GC left it, and what is allocated now (bytes).
        app.MapGet(ServerProcess.GcPath, () => Results.Text(FormattableString.Invariant($"{GC.CollectionCount(0)} {GC.GetTotalPauseDuration().TotalMilliseconds}\n")));
        app.MapGet(ServerProcess.MemoryPath, () => Results.Text(FormattableString.Invariant($"{GC.GetGCMemoryInfo().HeapSizeBytes} {GC.GetTotalMemory(false)}\n")));
        app.MapGrpcService(registry => registry
            .DuplexStreaming<ScoreRequest, ScoreResponse>("bench.Echo", "Grpc", async (requests, responses, context) =>
            {
                await foreach (var _ in requests.WithCancellation(context.CancellationToken))
                    await responses.WriteAsync(canned, context.CancellationToken);
            })
            .Unary<ScoreRequest, ScoreResponse>("bench.Echo", "GrpcUnary", (_, _) => Task.FromResult(canned)));
        return app;
    }

    /// <summary>A response the size of a real one (four probe scores, drift, timings).</summary>
    internal static ScoreResponse CannedResponse()
    {
        var r = new ScoreResponse
        {
            RequestId = "bench", Model = "google/gemma-2-2b", Layer = Layer,
            Drift = new DriftSignals { ActivationOodScore = 41.5f, SaeDenseDisagreement = 0.12f },
            Timings = new Timings { QueueUs = 120, ScoringUs = 300, TotalUs = 480 },
        };
        foreach (var (id, task, kind) in ServeBundles.Probes)
            r.Scores.Add(new ProbeScore { ProbeId = id, Task = task, Kind = kind == "sae" ? ProbeKind.Sae : ProbeKind.Dense, Probability = 0.42f, Logit = -0.3f, Threshold = 0.5f });
        return r;
    }

    /// <summary>HTTP/2 echo on Kestrel's pipes: one canned frame out per length-prefixed frame in, a flush per read, grpc-status 0 at the end.</summary>
    private static async Task RawEchoAsync(HttpContext http, byte[] cannedFrame)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;
        if (http.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRate) minRate.MinDataRate = null;
        http.Response.ContentType = GrpcProtocol.ContentType;
        await http.Response.StartAsync();
        var reader = http.Request.BodyReader;
        var writer = http.Response.BodyWriter;
        long need = -1; // bytes left of the current frame's body, or -1 before its prefix
        while (true)
        {
            var result = await reader.ReadAsync();
            var buffer = result.Buffer;
            int frames = 0;
            while (true)
            {
                if (need < 0)
                {
                    if (buffer.Length < 5) break;
                    need = FrameLength(buffer);
                    buffer = buffer.Slice(5);
                }
                long take = Math.Min(need, buffer.Length);
                buffer = buffer.Slice(take);
                need -= take;
                if (need > 0) break;
                need = -1;
                frames++;
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            for (int i = 0; i < frames; i++) writer.Write(cannedFrame);
            if (frames > 0) await writer.FlushAsync();
            if (result.IsCompleted) break;
        }
        http.Response.AppendTrailer(GrpcProtocol.StatusHeader, "0");
    }

    private static uint FrameLength(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> prefix = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(prefix);
        return BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
    }

    private static int Int(string[] args, string name, int fallback) =>
        Option(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
