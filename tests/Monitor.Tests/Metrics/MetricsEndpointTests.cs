using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Metrics;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Metrics;

public sealed class MetricsEndpointTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task Metrics_are_served_as_text_format_0_0_4()
    {
        using var client = factory.CreateClient();
        factory.Services.GetRequiredService<MonitorMetrics>().RecordCacheLookup(hit: false);
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(PrometheusTextFormat.ContentType, response.Content.Headers.ContentType?.ToString());
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE probemon_build_info gauge\n", body);
        Assert.True(Exposition.Samples(body)["probemon_cache_requests_total{result=\"miss\"}"] >= 1);
        Assert.Empty(response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Gzip_is_used_when_accepted_and_decompresses_to_the_same_exposition()
    {
        using var client = factory.CreateClient();
        using var plain = await client.GetAsync("/metrics");
        var expected = await plain.Content.ReadAsStringAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.AcceptEncoding.ParseAdd("gzip");
        using var response = await client.SendAsync(request);
        Assert.Equal(["gzip"], response.Content.Headers.ContentEncoding);
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        Assert.Equal(expected, await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task Gzip_refused_with_q_zero_is_not_used()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0, identity");
        using var response = await client.SendAsync(request);
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.StartsWith("# HELP ", await response.Content.ReadAsStringAsync());
    }
}
