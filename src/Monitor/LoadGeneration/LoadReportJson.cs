using System.Text.Json;
using ProbeMonitor.Monitor.Grpc;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>Writes a <see cref="LoadReport"/> as JSON (snake_case keys, latencies in µs, statuses by their gRPC names).</summary>
public static class LoadReportJson
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/> (through a temporary file, so a reader never sees half).</summary>
    public static void Write(LoadReport report, string path)
    {
        ArgumentNullException.ThrowIfNull(report);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".tmp-" + Environment.ProcessId;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            Write(report, stream);
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Writes <paramref name="report"/> to <paramref name="stream"/>.</summary>
    public static void Write(LoadReport report, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        Write(report, w);
    }

    /// <summary>Writes <paramref name="report"/> as one JSON object (e.g. a property's value inside a larger document).</summary>
    public static void Write(LoadReport report, Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(w);
        var o = report.Options;
        w.WriteStartObject();
        w.WriteString("target", o.Target.ToString());
        w.WriteString("mode", o.Mode.ToString().ToLowerInvariant());
        w.WriteString("rpc", o.Rpc.ToString().ToLowerInvariant());
        w.WriteString("payload", report.Payload);
        w.WriteNumber("concurrency", o.Concurrency);
        if (o.Rate is { } rate) w.WriteNumber("rate", rate);
        else w.WriteNull("rate");
        if (o.Rpc == RpcKind.Stream && o.Rate is null) w.WriteNumber("stream_window", o.StreamWindow);
        w.WriteNumber("duration_s", o.Duration.TotalSeconds);
        w.WriteNumber("warmup_s", o.Warmup.TotalSeconds);
        w.WriteNumber("elapsed_s", report.Elapsed.TotalSeconds);
        w.WriteNumber("requests", report.Requests);
        w.WriteNumber("ok", report.Ok);
        w.WriteNumber("errors", report.Errors);
        w.WriteStartObject("errors_by_status");
        foreach (var (status, s) in report.ByStatus.OrderBy(kv => kv.Key))
            if (status != GrpcStatusCode.OK) w.WriteNumber(LoadReport.StatusName(status), s.Count);
        w.WriteEndObject();
        w.WriteNumber("throughput_rps", report.Throughput);
        w.WriteNumber("ok_throughput_rps", report.OkThroughput);
        if (report.Scheduled is { } scheduled) w.WriteNumber("scheduled", scheduled);
        else w.WriteNull("scheduled");
        w.WriteNumber("unsent", report.Unsent);
        Summaries(w, "latency_us", report.All, report.ByStatus);
        Summaries(w, "service_us", report.Service, report.ServiceByStatus);
        w.WriteEndObject();
    }

    private static void Summaries(Utf8JsonWriter w, string name, LatencySummary all, IReadOnlyDictionary<GrpcStatusCode, LatencySummary> byStatus)
    {
        w.WritePropertyName(name);
        Summary(w, all);
        w.WriteStartObject(name + "_by_status");
        foreach (var (status, s) in byStatus.OrderBy(kv => kv.Key))
        {
            w.WritePropertyName(LoadReport.StatusName(status));
            Summary(w, s);
        }
        w.WriteEndObject();
    }

    private static void Summary(Utf8JsonWriter w, LatencySummary s)
    {
        w.WriteStartObject();
        w.WriteNumber("count", s.Count);
        foreach (var (name, value) in new[] { ("mean", s.MeanUs), ("p50", s.P50Us), ("p90", s.P90Us), ("p99", s.P99Us), ("p99_9", s.P999Us), ("max", s.MaxUs) })
        {
            if (double.IsNaN(value)) w.WriteNull(name);
            else w.WriteNumber(name, Math.Round(value, 1));
        }
        w.WriteEndObject();
    }
}
