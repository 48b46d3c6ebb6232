using System.Globalization;
using System.Text.Json;
using Grpc.Health.V1;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.LoadGeneration;
using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.Services;

namespace ProbeMonitor.Benchmarks;

/// <summary>Soak: the sidecar (child process, four Gemma-2-2B-width probes) at 80 % of its measured capacity for minutes with
/// its memory sampled, then at 3× capacity; checks zero errors, flat memory, fast RESOURCE_EXHAUSTED shedding, no crash.</summary>
/// <remarks>
/// Phases, all driven by the loadgen code (<see cref="LoadGenerator"/>) with pushed F32 activations:
/// 1. capacity: closed loop, <c>--capacity-concurrency</c> workers (32), <c>--capacity-seconds</c> (15) after
///    <c>--capacity-warmup-seconds</c> (15: a cold server, still running tier-0 code, measured at a tenth of its capacity in a
///    smoke run on the loaded development machine), then repeated (no warm-up) while a round gains over 5 %, at most
///    <c>--capacity-rounds</c> (4) in all; capacity = the best round's OK/s.
/// 2. soak: open loop at <c>--load</c> (0.8) × capacity for <c>--minutes</c> (5) after <c>--warmup-seconds</c> (30), the server's
///    RSS (/proc/PID/status) and managed heap (after its last GC) sampled every <c>--sample-seconds</c> (5). Memory is flat when
///    the median of the last minute is within <c>--memory-tolerance</c> (0.10) of the median of the first minute after warm-up
///    (a "minute" is a third of the soak when the soak is shorter than three minutes, for smoke runs). RSS is the check; the
///    managed heap after the last GC is printed beside it but not checked, because it grows between full collections.
/// 3. overload: open loop at <c>--overload</c> (3) × capacity for <c>--overload-seconds</c> (30): the share refused with
///    RESOURCE_EXHAUSTED and its latency, which should be far below the accepted requests'. That is checked on the sidecar's
///    own <c>probemon_request_duration_seconds{status}</c> buckets: the client, saturated on the shared cores, reads answers
///    late, so its service times are printed but not checked.
/// 4. after: the process is alive, health says SERVING, and a 3 s closed-loop run has no errors.
/// The soak uses <c>--concurrency</c> (1024) workers; the overload <c>--overload-concurrency</c> (the server's queue capacity +
/// 1024), so the client can keep more calls in flight than the server queues (otherwise overload only ever fills the queue).
/// Not more: the client shares the two cores, and with 4,096 workers it starved the server into failing the soak itself.
/// <c>--rpc unary|stream</c> (unary), and <c>--max-batch</c>, <c>--queue-capacity</c>, <c>--activations-max-wait-ms</c> go to the server.
/// Exit code 0 when every check passes, 1 otherwise. <c>--json FILE</c> writes the JSON there instead of printing it.
/// </remarks>
public static class SoakBenchmark
{
    private const int D = 2304, Layer = 12;

    /// <summary>Runs the soak (see the remarks for the options).</summary>
    public static int Run(string[] args) => RunAsync(new BenchmarkArgs(args)).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(BenchmarkArgs a)
    {
        double minutes = a.Double("--minutes", 5), warmup = a.Double("--warmup-seconds", 30), capacitySeconds = a.Double("--capacity-seconds", 15);
        double capacityWarmup = a.Double("--capacity-warmup-seconds", 15);
        double overloadSeconds = a.Double("--overload-seconds", 30), sampleSeconds = a.Double("--sample-seconds", 5);
        double load = a.Double("--load", 0.8), overload = a.Double("--overload", 3), tolerance = a.Double("--memory-tolerance", 0.10);
        var rpc = a.String("--rpc") == "stream" ? RpcKind.Stream : RpcKind.Unary;
        var serverArgs = a.PassThrough("--max-batch", "--queue-capacity", "--activations-max-wait-ms");
        int queueCapacity = a.Int("--queue-capacity", new MonitorOptions().QueueCapacity);
        int capacityWorkers = a.Int("--capacity-concurrency", 32), workers = a.Int("--concurrency", 1024);
        int overloadWorkers = a.Int("--overload-concurrency", queueCapacity + 1024);
        string loadBefore = MachineLoad.Average();

        var probes = ServeBundles.Write(D, Layer);
        try
        {
            using var server = await ServerProcess.StartAsync(probes, serverArgs);
            Console.WriteLine($"soak: d_model {D}, {ServeBundles.ProbeCount} probes, {rpc.ToString().ToLowerInvariant()} F32 activations; server pid {server.Pid} " +
                              $"({string.Join(' ', serverArgs)}); {Environment.ProcessorCount} logical CPUs; load average {loadBefore}");
            var basis = new LoadGenOptions { Target = server.GrpcAddress, Rpc = rpc, StreamWindow = 32 };

            // Capacity keeps rising for a while on a cold server (tier-0 code, a thread pool still growing), so measure it in
            // rounds until a round gains less than 5 % (at most --capacity-rounds), and take the best.
            var capacity = await Phase("capacity round 1", basis with { Concurrency = capacityWorkers, Warmup = TimeSpan.FromSeconds(capacityWarmup), Duration = TimeSpan.FromSeconds(capacitySeconds) });
            for (int round = 2; round <= a.Int("--capacity-rounds", 4); round++)
            {
                var next = await Phase($"capacity round {round}", capacity.Options with { Warmup = TimeSpan.Zero });
                bool gained = next.OkThroughput > capacity.OkThroughput * 1.05;
                if (next.OkThroughput > capacity.OkThroughput) capacity = next;
                if (!gained) break;
            }
            double perSecond = capacity.OkThroughput;
            if (!(perSecond > 0)) throw new InvalidOperationException("the capacity run got no OK answers; see its table above.");

            var sampler = MemorySampler.Start(server, TimeSpan.FromSeconds(sampleSeconds));
            var soak = await Phase($"soak at {load:P0}", basis with
            {
                Rate = load * perSecond, Concurrency = workers, Warmup = TimeSpan.FromSeconds(warmup), Duration = TimeSpan.FromMinutes(minutes),
            });
            var samples = await sampler.StopAsync();
            var memory = MemoryVerdict.From(samples, warmup, minutes * 60, tolerance);

            // The sidecar's own durations by status: at 3× the client saturates the shared cores and reads answers late, so
            // only the server can say how fast it refused. ScoreStream times whole streams, not messages: unary only.
            string method = $"method=\"{(rpc == RpcKind.Unary ? ProbeMonitorMethods.Score.Name : ProbeMonitorMethods.ScoreStream.Name)}\"";
            string[] refusedLabels = [method, $"status=\"{GrpcStatusCode.ResourceExhausted}\""], okLabels = [method, $"status=\"{GrpcStatusCode.OK}\""];
            var (refusedBefore, okBefore) = (await ServerLatencyBuckets.ReadAsync(server, refusedLabels), await ServerLatencyBuckets.ReadAsync(server, okLabels));
            var flood = await Phase($"overload at {overload:0.#}×", basis with
            {
                Rate = overload * perSecond, Concurrency = overloadWorkers, Warmup = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(overloadSeconds),
            });
            var serverRefused = ServerLatencyBuckets.Between(refusedBefore, await ServerLatencyBuckets.ReadAsync(server, refusedLabels));
            var serverOk = ServerLatencyBuckets.Between(okBefore, await ServerLatencyBuckets.ReadAsync(server, okLabels));
            bool alive = server.IsRunning;
            var health = await HealthAsync(server);
            var after = await Phase("after", basis with { Concurrency = 8, Warmup = TimeSpan.Zero, Duration = TimeSpan.FromSeconds(3) });

            // Service times (from the actual send), so that a client lagging behind 3× the schedule does not blur the server's answer.
            var rejected = flood.ServiceByStatus.GetValueOrDefault(GrpcStatusCode.ResourceExhausted, LatencySummary.Empty);
            var accepted = flood.ServiceByStatus.GetValueOrDefault(GrpcStatusCode.OK, LatencySummary.Empty);
            var checks = new List<(string What, bool Passed)>
            {
                ("no errors at capacity (closed loop)", capacity.Errors == 0),
                ($"no errors in the soak at {load:P0} of capacity, every scheduled request sent", soak.Requests > 0 && soak.Errors == 0 && soak.Unsent == 0),
                ($"RSS flat within {tolerance:P0}", memory.Rss.Flat),
                ("overload sheds with RESOURCE_EXHAUSTED only", rejected.Count > 0 && flood.Errors == rejected.Count),
                ("refusals are fast, as the sidecar times them: p99 of RESOURCE_EXHAUSTED in a lower bucket than p50 of OK",
                    rpc == RpcKind.Unary && serverRefused.Count > 0 && serverOk.Count > 0 && serverRefused.UpperBound(0.99) < serverOk.UpperBound(0.5)),
                ("server alive after the overload", alive),
                ("health SERVING after the overload", health == HealthCheckResponse.Types.ServingStatus.Serving),
                ("no errors after the overload", after.Requests > 0 && after.Errors == 0),
            };

            string loadAfter = MachineLoad.Average();
            Print([("capacity (closed loop)", null, capacity), ($"soak {load:P0}", load * perSecond, soak), ($"overload {overload:0.#}×", overload * perSecond, flood), ("after", null, after)]);
            Console.WriteLine();
            Console.WriteLine("overload by status:");
            Console.WriteLine(flood.ToTable());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"overload as the sidecar timed it ({method}): RESOURCE_EXHAUSTED {serverRefused.Count:N0}, p50 {serverRefused.Describe(0.5)}, p90 {serverRefused.Describe(0.9)}, p99 {serverRefused.Describe(0.99)}, {serverRefused.ShareWithin(0.001):P1} within 1 ms; " +
                $"OK {serverOk.Count:N0}, p50 {serverOk.Describe(0.5)}, p99 {serverOk.Describe(0.99)}, {serverOk.ShareWithin(0.001):P1} within 1 ms"));
            // Not a check: at 3× the client itself is saturated and reads answers late (see the Services README).
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"as the client saw it (service time from the actual send; not checked): RESOURCE_EXHAUSTED p50 {rejected.P50Us / 1000:0.###} / p99 {rejected.P99Us / 1000:0.###} ms, OK p50 {accepted.P50Us / 1000:0.###} / p99 {accepted.P99Us / 1000:0.###} ms"));
            memory.Print();
            Console.WriteLine();
            foreach (var (what, passed) in checks) Console.WriteLine($"- [{(passed ? 'x' : ' ')}] {what}");
            Console.WriteLine($"load average before {loadBefore}, after {loadAfter}");

            var json = Json(capacity, soak, flood, after, memory, (serverRefused, serverOk), checks, loadBefore, loadAfter);
            if (a.String("--json") is { } path)
            {
                File.WriteAllText(path, json);
                Console.WriteLine($"wrote {Path.GetFullPath(path)}");
            }
            else Console.WriteLine(json);
            return checks.All(c => c.Passed) ? 0 : 1;
        }
        finally
        {
            Directory.Delete(probes, recursive: true);
        }
    }

    private static async Task<LoadReport> Phase(string name, LoadGenOptions options)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: {options.LoopDescription}, {options.Concurrency} workers, {options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s …"));
        var steal = new CpuSteal();
        var report = await LoadGenerator.RunAsync(options);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {report.Requests:N0} requests, {report.Ok:N0} OK, {report.OkThroughput:N0} OK/s, p99 {report.All.P99Us / 1000:0.###} ms{(report.Unsent > 0 ? $", {report.Unsent:N0} scheduled but never sent (client behind)" : "")}; CPU steal {steal.Since()}; load average {MachineLoad.Average()}"));
        return report;
    }

    private static async Task<HealthCheckResponse.Types.ServingStatus?> HealthAsync(ServerProcess server)
    {
        try
        {
            using var channel = GrpcChannel.ForAddress(server.GrpcAddress);
            var response = await channel.UnaryCall(HealthGrpcService.Check, new HealthCheckRequest { Service = ProbeMonitorMethods.ServiceName },
                new GrpcCallOptions { Deadline = DateTime.UtcNow.AddSeconds(10) });
            return response.Status;
        }
        catch (GrpcStatusException)
        {
            return null;
        }
    }

    private static void Print(IEnumerable<(string Name, double? Target, LoadReport Report)> rows)
    {
        Console.WriteLine();
        Console.WriteLine("| phase | target req/s | req/s | OK/s | requests | OK | errors | never sent | p50 ms | p99 ms | p99.9 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, target, r) in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {(target is { } t ? t.ToString("N0", CultureInfo.InvariantCulture) : "max")} | {r.Throughput:N0} | {r.OkThroughput:N0} | {r.Requests:N0} | {r.Ok:N0} | {r.Errors:N0} | {r.Unsent:N0} | {r.All.P50Us / 1000:0.###} | {r.All.P99Us / 1000:0.###} | {r.All.P999Us / 1000:0.###} | {r.All.MaxUs / 1000:0.###} |"));
    }

    private static string Json(LoadReport capacity, LoadReport soak, LoadReport flood, LoadReport after, MemoryVerdict memory,
        (ServerLatencyBuckets Refused, ServerLatencyBuckets Ok) overloadAtServer, List<(string What, bool Passed)> checks, string loadBefore, string loadAfter)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("benchmark", "soak");
            w.WriteString("load_average_before", loadBefore);
            w.WriteString("load_average_after", loadAfter);
            w.WriteNumber("logical_cpus", Environment.ProcessorCount);
            foreach (var (name, report) in new[] { ("capacity", capacity), ("soak", soak), ("overload", flood), ("after", after) })
            {
                w.WritePropertyName(name);
                LoadReportJson.Write(report, w);
            }
            w.WriteStartObject("overload_server_side");
            foreach (var (name, buckets) in new[] { ("resource_exhausted", overloadAtServer.Refused), ("ok", overloadAtServer.Ok) })
            {
                w.WriteStartObject(name);
                w.WriteNumber("count", buckets.Count);
                if (double.IsFinite(buckets.ShareWithin(0.001))) w.WriteNumber("share_within_1ms", buckets.ShareWithin(0.001));
                foreach (var (key, q) in new[] { ("p50_upper_bound_seconds", 0.5), ("p99_upper_bound_seconds", 0.99) })
                    if (double.IsFinite(buckets.UpperBound(q))) w.WriteNumber(key, buckets.UpperBound(q));
                    else w.WriteNull(key);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WritePropertyName("memory");
            memory.Write(w);
            w.WriteStartArray("checks");
            foreach (var (what, passed) in checks)
            {
                w.WriteStartObject();
                w.WriteString("check", what);
                w.WriteBoolean("passed", passed);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("passed", checks.All(c => c.Passed));
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
