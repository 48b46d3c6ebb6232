using System.IO.Compression;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Serves the Prometheus scrape at <c>GET /metrics</c>, gzip-compressed when the scraper accepts it (Prometheus does).</summary>
public static class MetricsEndpoint
{
    /// <summary>The scrape path.</summary>
    public const string Path = "/metrics";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Maps <c>GET /metrics</c>; resolves the collector and catalogue now so that listening starts with the app.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var collector = endpoints.ServiceProvider.GetRequiredService<MetricsCollector>();
        endpoints.ServiceProvider.GetRequiredService<MonitorMetrics>();
        return endpoints.MapGet(Path, (HttpContext context) => WriteScrapeAsync(context, collector));
    }

    /// <summary>Writes one scrape to the response.</summary>
    public static async Task WriteScrapeAsync(HttpContext context, MetricsCollector collector)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(collector);
        var body = Utf8NoBom.GetBytes(collector.CollectText());
        var response = context.Response;
        response.ContentType = PrometheusTextFormat.ContentType;
        response.Headers.CacheControl = "no-store";
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        if (AcceptsGzip(context.Request))
        {
            response.Headers.ContentEncoding = "gzip";
            await using var gzip = new GZipStream(response.Body, CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(body, context.RequestAborted);
        }
        else
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var value in request.GetTypedHeaders().AcceptEncoding)
            if (value.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) && (value.Quality ?? 1) > 0)
                return true;
        return false;
    }
}
