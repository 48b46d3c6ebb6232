using System.Diagnostics;
using System.Globalization;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Batching;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Probes;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Benchmarks;

/// <summary>Where the sidecar's per-request scoring cost goes: ProbeScorer broken into its parts (each probe's logits, the
/// Mahalanobis GEMM, calibration, drift windows, disagreement pairs, result objects) plus the per-request steps around it
/// (decoding, the batching queue with metrics, mapping to the wire), in CPU time and bytes allocated per request.</summary>
/// <remarks>
/// CPU time (clock_gettime, process and calling thread) rather than wall time, because the machine is usually shared: a
/// busy neighbour stretches wall time but barely changes the CPU a piece of work needs. Process CPU counts helper threads
/// (a GEMM that forks, the batcher's loop); thread CPU only the caller. Each part runs <c>--rounds</c> rounds of
/// <c>--batches</c> batches of <c>--rows</c> requests over the serve benchmark's four probes (d = 2304); the table shows
/// the best and the median round. Allocations are the process's precise allocated-bytes counter over the same rounds.
/// </remarks>
public static class ScoreProfileBenchmark
{
    private const int D = 2304;
    private const int Layer = 12;

    private sealed record Part(string Name, int RequestsPerCall, Action Call);

    private sealed record Measured(string Name, double ProcessUs, double ProcessUsMedian, double ThreadUs, double WallUs, double Bytes, int Gen0);

    /// <summary>Options: <c>--rows N</c> per batch (32), <c>--batches B</c> per round (200), <c>--rounds R</c> (5), <c>--only TEXT</c> to run the parts whose name contains TEXT.</summary>
    public static int Run(string[] args)
    {
        int rows = Int(args, "--rows", 32), batches = Int(args, "--batches", 200), rounds = Int(args, "--rounds", 5);
        string? only = Option(args, "--only");
        MonitorApp.PreferInlineKernels(); // as the server does
        var directory = ServeBundles.Write(D, Layer);
        try
        {
            var parts = Parts(directory, rows).GetAwaiter().GetResult();
            Console.WriteLine($"score-profile: {ServeBundles.ProbeCount} probes at d {D}, batches of {rows}, {batches} batches × {rounds} rounds; " +
                              $"GEMM {Kernels.Gemm.BackendName}; {Environment.ProcessorCount} logical CPUs; load average {MachineLoad.Average()}");
            Console.WriteLine();
            Console.WriteLine("| part | process CPU µs/request (best) | (median) | thread CPU µs/request | wall µs/request (best) | bytes allocated/request | gen0 GCs |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var part in parts)
            {
                if (only is not null && !part.Name.Contains(only, StringComparison.OrdinalIgnoreCase)) continue;
                var m = Measure(part, batches, rounds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {m.Name} | {m.ProcessUs:F2} | {m.ProcessUsMedian:F2} | {m.ThreadUs:F2} | {m.WallUs:F2} | {m.Bytes:F0} | {m.Gen0} |"));
            }
            Console.WriteLine();
            Console.WriteLine($"load average after {MachineLoad.Average()}");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        return 0;
    }

    private static async Task<List<Part>> Parts(string directory, int n)
    {
        var registry = new ProbeRegistry(directory);
        await registry.ReloadAsync();
        var set = registry.Current;
        var scorer = new ProbeScorer(registry);
        var rng = new Random(9);
        var x = new float[n * D];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        var batch = PooledBatch.AnyPooling(x, n, D, Layer);
        var noDrift = new ScoreOptions(RecordDrift: false);
        var explain = new ScoreOptions(Explain: true);

        var parts = new List<Part>
        {
            new("ProbeScorer.Score: 4 probes, drift recorded", n, () => scorer.Score(batch)),
            new("ProbeScorer.Score: drift not recorded", n, () => scorer.Score(batch, noDrift)),
            new("ProbeScorer.Score: explain", n, () => scorer.Score(batch, explain)),
        };

        var logits = new float[n];
        var latents = new float[n * ServeBundles.Latents];
        foreach (var p in set.Probes)
        {
            if (p.SaeProbe is { } sae) parts.Add(new($"  logits {p.Id} (SAE, {sae.LatentCount} latents, with latents)", n, Inline(() => sae.ScoreLogits(x, n, logits, latents))));
            else parts.Add(new($"  logits {p.Id} (dense)", n, Inline(() => p.Probe.ScoreLogits(x, n, logits))));
        }
        var distances = new double[n];
        var ood = set.Probes.First(p => p.OodBatch is not null).OodBatch!;
        parts.Add(new($"  Mahalanobis d² (rank {ood.Rank}, one shared reference)", n, Inline(() => ood.DistanceSquared(x, n, distances))));
        ood.DistanceSquared(x, n, distances);

        var weights = new float[194 * D];
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)(rng.NextDouble() - 0.5);
        var product = new float[n * 194];
        parts.Add(new($"  GEMM {n}×64×{D} (one SAE's encoder), split across cores", n, () => Kernels.Gemm.MultiplyTransposedB(x, weights.AsSpan(0, 64 * D), product.AsSpan(0, n * 64), n, 64, D)));
        parts.Add(new($"  GEMM {n}×64×{D}, on the calling thread", n, () =>
        {
            using var inline = Kernels.GemmThreading.OnCallingThread();
            Kernels.Gemm.MultiplyTransposedB(x, weights.AsSpan(0, 64 * D), product.AsSpan(0, n * 64), n, 64, D);
        }));
        parts.Add(new($"  GEMM {n}×194×{D} (every probe's weights at once), on the calling thread", n, () =>
        {
            using var inline = Kernels.GemmThreading.OnCallingThread();
            Kernels.Gemm.MultiplyTransposedB(x, weights, product, n, 194, D);
        }));

        var probabilities = new double[n];
        parts.Add(new("  calibrate + decide, 4 probes", n, () =>
        {
            foreach (var p in set.Probes)
                for (int r = 0; r < n; r++) probabilities[r] = p.Calibrate(logits[r]) >= p.Threshold ? 1 : 0;
        }));
        var sae0 = set.Probes.First(p => p.SaeProbe is not null).SaeProbe!;
        sae0.ScoreLogits(x, n, logits, latents);
        parts.Add(new("  drift Record, 4 probes", n, () =>
        {
            foreach (var p in set.Probes)
                for (int r = 0; r < n; r++)
                {
                    var rowLatents = p.SaeProbe is null ? ReadOnlySpan<float>.Empty : latents.AsSpan(r * ServeBundles.Latents, ServeBundles.Latents);
                    p.Drift.Record(0.3 + 0.01 * r, r % 3 == 0, distances[r], rowLatents);
                }
        }));
        parts.Add(new($"  disagreement Record, {set.DisagreementPairs.Count} pairs", n, () =>
        {
            foreach (var t in set.DisagreementPairs)
                for (int r = 0; r < n; r++) t.Record(r % 2 == 0, r % 3 == 0, 0.3, 0.5);
        }));

        parts.Add(new("ProbeSet.DriftStatus (what the drift publisher computes each period), per call", 1, () => set.DriftStatus()));

        var scored = scorer.Score(batch, noDrift);
        var timings = new Timings { QueueUs = 1, ScoringUs = 2, TotalUs = 3 };
        parts.Add(new("ScoreResponseMapper.Map", n, () =>
        {
            for (int r = 0; r < n; r++) ScoreResponseMapper.Map("bench", set.Probes, scored.Requests[r], timings);
        }));
        var wire = WireActivations(x.AsSpan(0, D));
        parts.Add(new("ActivationDecoder.Decode (F32)", n, () =>
        {
            for (int r = 0; r < n; r++) ActivationDecoder.Decode(wire);
        }));

        var services = new ServiceCollection().AddMonitorMetrics().BuildServiceProvider();
        var metrics = services.GetRequiredService<MonitorMetrics>();
        metrics.SetLoadedProbes(DriftPublisher.Labels(set));
        var queue = new ScoringQueue(registry, scorer, new DynamicBatcherOptions { MaxBatchSize = n, MaxWait = TimeSpan.FromMilliseconds(5) }, null, metrics);
        var one = PooledActivations.AnyPooling(x.AsSpan(0, D).ToArray(), Layer);
        var pending = new Task<ScoredRequest>[n];
        parts.Add(new($"ScoringQueue.ScoreAsync, {n} concurrent, metrics on", n, () =>
        {
            for (int r = 0; r < n; r++) pending[r] = queue.ScoreAsync(one, ScoreOptions.Default);
            Task.WaitAll(pending);
        }));
        var forward = new ProbeMonitor.Monitor.Inference.ForwardQueue(null, null, null, new DynamicBatcherOptions());
        var service = new ProbeScoringService(registry, queue, forward, new Monitor.Configuration.MonitorOptions { MaxBatch = n }, metrics);
        var wireRequest = new ScoreRequest { RequestId = "bench", Activations = wire };
        var responses = new Task<ScoreResponse>[n];
        parts.Add(new($"ProbeScoringService.ScoreAsync, {n} concurrent (decode, check, queue, score, map)", n, () =>
        {
            for (int r = 0; r < n; r++) responses[r] = service.ScoreAsync(wireRequest, CancellationToken.None);
            Task.WaitAll(responses);
        }));
        int streamed = 64 * n;
        var sink = new DiscardingWriter();
        parts.Add(new($"ScoreStream pipeline in memory, no transport ({service.StreamConcurrency} in flight)", streamed, () =>
            ProbeMonitorGrpcService.PipelinedAsync(service, Repeat(wireRequest, streamed), sink, service.StreamConcurrency, CancellationToken.None).GetAwaiter().GetResult()));
        parts.Add(new($"ScoreStream pipeline in memory, each request arriving on its own thread-pool hop", streamed, () =>
            ProbeMonitorGrpcService.PipelinedAsync(service, Trickle(wireRequest, streamed), sink, service.StreamConcurrency, CancellationToken.None).GetAwaiter().GetResult()));
        return parts;
    }

    /// <summary>Requests that arrive one at a time, each resuming the reader from the thread pool as a socket read would.</summary>
    private static async IAsyncEnumerable<ScoreRequest> Trickle(ScoreRequest request, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return request;
        }
    }

    /// <summary>A client that has sent everything already: every read completes at once, as from a full receive buffer.</summary>
    private static async IAsyncEnumerable<ScoreRequest> Repeat(ScoreRequest request, int count)
    {
        for (int i = 0; i < count; i++) yield return request;
        await Task.CompletedTask;
    }

    /// <summary>A response stream that drops what it is given.</summary>
    private sealed class DiscardingWriter : Monitor.Grpc.IGrpcStreamWriter<ScoreResponse>
    {
        public Task WriteAsync(ScoreResponse message, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    /// <summary>As the scorer runs its parts: GEMMs on the calling thread.</summary>
    private static Action Inline(Action action) => () =>
    {
        using var inline = Kernels.GemmThreading.OnCallingThread();
        action();
    };

    private static Activations WireActivations(ReadOnlySpan<float> row)
    {
        var bytes = new byte[row.Length * 4];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(row).CopyTo(bytes);
        return new Activations { Data = ByteString.CopyFrom(bytes), Dtype = Activations.Types.DType.F32, Shape = { row.Length }, Layer = Layer, Pooling = Activations.Types.Pooling.None };
    }

    private static Measured Measure(Part part, int batches, int rounds)
    {
        for (int i = 0; i < Math.Max(20, batches / 5); i++) part.Call(); // JIT tiers, pools
        var process = new List<double>();
        double thread = double.MaxValue, wall = double.MaxValue, bytes = double.MaxValue;
        int gen0 = GC.CollectionCount(0);
        double perRequest = 1.0 / ((double)batches * part.RequestsPerCall);
        for (int round = 0; round < rounds; round++)
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            long p0 = CpuClock.ProcessNanoseconds(), t0 = CpuClock.ThreadNanoseconds(), w0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < batches; i++) part.Call();
            long p1 = CpuClock.ProcessNanoseconds(), t1 = CpuClock.ThreadNanoseconds();
            double w = Stopwatch.GetElapsedTime(w0).TotalMicroseconds;
            bytes = Math.Min(bytes, (GC.GetTotalAllocatedBytes(precise: true) - allocated) * perRequest);
            process.Add((p1 - p0) / 1e3 * perRequest);
            thread = Math.Min(thread, (t1 - t0) / 1e3 * perRequest);
            wall = Math.Min(wall, w * perRequest);
        }
        return new Measured(part.Name, process.Min(), BenchmarkTimer.Median(process), thread, wall, bytes, GC.CollectionCount(0) - gen0);
    }

    private static int Int(string[] args, string name, int fallback) =>
        Option(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
