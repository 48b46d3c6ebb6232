using System.Collections.Frozen;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Services;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Middleware that counts every gRPC call in <c>probemon_requests_total{method,status}</c> and times it in
/// <c>probemon_request_duration_seconds</c>, whatever ended it: the handler, the deadline, a size limit, authentication.</summary>
/// <remarks>
/// The status is read from what went on the wire (<c>grpc-status</c> in the trailers, or in the headers of a Trailers-Only
/// response); a call the client reset has none and counts as Cancelled. <c>method</c> is the method name for the
/// sidecar's own methods and "unknown" for any other path, so a client cannot add series.
/// </remarks>
public sealed class GrpcRequestMetrics(RequestDelegate next, MonitorMetrics metrics)
{
    /// <summary>The method label of paths that are not the sidecar's methods.</summary>
    public const string UnknownMethod = "unknown";

    private static readonly FrozenDictionary<string, string> Methods = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ProbeMonitorMethods.Score.FullName] = ProbeMonitorMethods.Score.Name,
        [ProbeMonitorMethods.ScoreStream.FullName] = ProbeMonitorMethods.ScoreStream.Name,
        [ProbeMonitorMethods.ListProbes.FullName] = ProbeMonitorMethods.ListProbes.Name,
        [ProbeMonitorMethods.ReloadProbes.FullName] = ProbeMonitorMethods.ReloadProbes.Name,
        [HealthGrpcService.Check.FullName] = HealthGrpcService.Check.Name,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly string[] StatusNames = Enum.GetValues<GrpcStatusCode>().Select(c => c.ToString()).ToArray();

    /// <summary>Whether <paramref name="request"/> is a gRPC call: HTTP/2 or later with a gRPC content type.</summary>
    public static bool IsGrpc(HttpRequest request) =>
        (HttpProtocol.IsHttp2(request.Protocol) || HttpProtocol.IsHttp3(request.Protocol)) && GrpcProtocol.IsGrpcContentType(request.ContentType);

    /// <summary>Runs the rest of the pipeline and records the call.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsGrpc(context.Request))
        {
            await next(context);
            return;
        }
        long start = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var method = Methods.TryGetValue(context.Request.Path.Value ?? "", out var name) ? name : UnknownMethod;
            // Until the status went out: a call answered before its request was read goes on reading it (to keep the connection).
            long end = context.Features.Get<GrpcCallAnswered>()?.Timestamp ?? Stopwatch.GetTimestamp();
            metrics.RecordRequest(method, StatusOf(context), Stopwatch.GetElapsedTime(start, end).TotalSeconds);
        }
    }

    private static string StatusOf(HttpContext context)
    {
        var value = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers[GrpcProtocol.StatusHeader].ToString();
        if (string.IsNullOrEmpty(value)) value = context.Response.Headers[GrpcProtocol.StatusHeader].ToString();
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int code))
            return code >= 0 && code < StatusNames.Length ? StatusNames[code] : nameof(GrpcStatusCode.Unknown);
        return context.RequestAborted.IsCancellationRequested ? nameof(GrpcStatusCode.Cancelled) : nameof(GrpcStatusCode.Unknown);
    }
}
