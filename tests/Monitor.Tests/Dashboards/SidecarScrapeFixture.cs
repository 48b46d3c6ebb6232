using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.Monitor.Tests.Metrics;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Dashboards;

/// <summary>The real app, in process, after one value was recorded on every instrument of <see cref="MonitorMetrics"/>,
/// and what its <c>GET /metrics</c> answered.</summary>
public sealed class SidecarScrapeFixture : IAsyncLifetime
{
    private readonly WebApplicationFactory<Program> _factory = new();

    /// <summary>The scrape body.</summary>
    public string Exposition { get; private set; } = "";

    internal ExportedMetrics Metrics { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        MonitorMetricsFixture.RecordOneOfEverything(_factory.Services.GetRequiredService<MonitorMetrics>());
        using var client = _factory.CreateClient();
        Exposition = await client.GetStringAsync("/metrics");
        Metrics = ExportedMetrics.Parse(Exposition);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}
