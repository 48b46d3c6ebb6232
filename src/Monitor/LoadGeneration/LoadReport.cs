using System.Globalization;
using System.Text;
using ProbeMonitor.Monitor.Grpc;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>What a load-generation run measured: requests by final status, their latencies, and throughput.</summary>
/// <param name="Options">The run's settings.</param>
/// <param name="Payload">What each request carried, e.g. "activations f32 [2304] layer 12".</param>
/// <param name="Elapsed">From the end of the warm-up to the end of the last measured request.</param>
/// <param name="ByStatus">Latencies (from each request's intended time) of the measured requests, per final status (OK included).</param>
/// <param name="All">Latencies of every measured request.</param>
public sealed record LoadReport(LoadGenOptions Options, string Payload, TimeSpan Elapsed, IReadOnlyDictionary<GrpcStatusCode, LatencySummary> ByStatus, LatencySummary All)
{
    /// <summary>Service times (from the actual send) per final status; equal to the latencies in closed loop, shorter in open loop
    /// by however late the client sent. They show how fast the server answered even when the client could not keep to the schedule.</summary>
    public IReadOnlyDictionary<GrpcStatusCode, LatencySummary> ServiceByStatus { get; init; } = new Dictionary<GrpcStatusCode, LatencySummary>();

    /// <summary>Service times of every measured request.</summary>
    public LatencySummary Service { get; init; } = LatencySummary.Empty;

    /// <summary>Open loop: measured requests in the schedule; null for closed loop.</summary>
    public long? Scheduled { get; init; }

    /// <summary>Open loop: scheduled measured requests never sent, because the client fell more than <see cref="Pacer.LateCutoff"/> behind.</summary>
    public long Unsent { get; init; }

    /// <summary>Measured requests.</summary>
    public long Requests => All.Count;

    /// <summary>Measured requests answered OK.</summary>
    public long Ok => Count(GrpcStatusCode.OK);

    /// <summary>Measured requests that ended with any other status.</summary>
    public long Errors => Requests - Ok;

    /// <summary>Measured requests per second (answered with any status).</summary>
    public double Throughput => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    /// <summary>Measured OK answers per second.</summary>
    public double OkThroughput => Elapsed > TimeSpan.Zero ? Ok / Elapsed.TotalSeconds : 0;

    /// <summary>Measured requests that ended with <paramref name="status"/>.</summary>
    public long Count(GrpcStatusCode status) => ByStatus.TryGetValue(status, out var s) ? s.Count : 0;

    /// <summary>The status's name as the gRPC spec writes it, e.g. RESOURCE_EXHAUSTED.</summary>
    public static string StatusName(GrpcStatusCode status)
    {
        var name = status.ToString();
        if (name == "OK") return name;
        var snake = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) snake.Append('_');
            snake.Append(char.ToUpperInvariant(name[i]));
        }
        return snake.ToString();
    }

    /// <summary>A header line and a Markdown table: one row for all requests, one per status; latencies in milliseconds.</summary>
    public string ToTable()
    {
        var inv = CultureInfo.InvariantCulture;
        var o = Options;
        var text = new StringBuilder();
        text.AppendLine(string.Create(inv,
            $"loadgen → {o.Target}: {Payload}, {o.Rpc.ToString().ToLowerInvariant()}, {o.LoopDescription}, {o.Concurrency} workers, {o.Duration.TotalSeconds:0.###} s measured after {o.Warmup.TotalSeconds:0.###} s warm-up"));
        var errors = ByStatus.Where(kv => kv.Key != GrpcStatusCode.OK).OrderByDescending(kv => kv.Value.Count)
            .Select(kv => string.Create(inv, $"{StatusName(kv.Key)} {kv.Value.Count:N0}"));
        text.AppendLine(string.Create(inv,
            $"requests {Requests:N0}, ok {Ok:N0}, errors {Errors:N0}{(Errors > 0 ? $" ({string.Join(", ", errors)})" : "")}; throughput {Throughput:N1} req/s (ok {OkThroughput:N1}/s) over {Elapsed.TotalSeconds:0.###} s"));
        if (Unsent > 0)
            text.AppendLine(string.Create(inv, $"the client fell behind the schedule: {Unsent:N0} of {Scheduled:N0} scheduled requests were never sent (not in the counts above)"));
        Table(o.Rate is null ? "latency" : "latency from the scheduled send", All, ByStatus);
        if (o.Rate is not null) Table("service time from the actual send", Service, ServiceByStatus);
        return text.ToString();

        void Table(string title, LatencySummary all, IReadOnlyDictionary<GrpcStatusCode, LatencySummary> byStatus)
        {
            text.AppendLine();
            text.AppendLine($"| {title} | requests | share | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
            Row("all", all);
            foreach (var (status, summary) in byStatus.OrderBy(kv => kv.Key)) Row(StatusName(status), summary);
        }

        void Row(string name, LatencySummary s) => text.AppendLine(string.Create(inv,
            $"| {name} | {s.Count:N0} | {(Requests > 0 ? 100.0 * s.Count / Requests : 0):0.0}% | {Ms(s.P50Us)} | {Ms(s.P90Us)} | {Ms(s.P99Us)} | {Ms(s.P999Us)} | {Ms(s.MaxUs)} |"));
    }

    private static string Ms(double us) => double.IsNaN(us) ? "–" : (us / 1000).ToString(us < 10_000 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
}
