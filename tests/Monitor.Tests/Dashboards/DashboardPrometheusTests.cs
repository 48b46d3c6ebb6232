using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Hosting;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.Monitor.Tests.Metrics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Dashboards;

/// <summary>A real Prometheus scrapes the real sidecar, then answers every panel query of the dashboard and both variable
/// queries with data, and the values the panels would show match what was recorded.</summary>
public sealed class DashboardPrometheusTests
{
    [PeerFact("exe:prometheus")]
    public async Task Every_panel_query_returns_series_and_the_variables_list_the_recorded_probes_and_model()
    {
        await using var app = MonitorApp.Build(["--Logging:LogLevel:Default=Warning", "--urls", "http://127.0.0.1:0", "--grpc-urls", ""]);
        await app.StartAsync();
        var metrics = app.Services.GetRequiredService<MonitorMetrics>();
        var target = app.Services.GetRequiredService<MonitorListeners>().BoundHttpEndPoints.Single();

        using var prometheus = PrometheusProcess.Start(target.ToString());
        MonitorMetricsFixture.RecordOneOfEverything(metrics);
        await prometheus.WaitForScrapesAsync(1, TimeSpan.FromSeconds(45));
        // More of the same across later scrapes, so that every rate() and increase() sees growth.
        for (int i = 0; i < 2; i++)
        {
            await Task.Delay(1100);
            MonitorMetricsFixture.RecordOneOfEverything(metrics);
        }
        await prometheus.WaitForScrapesAsync(5, TimeSpan.FromSeconds(45));

        var empty = new List<string>();
        foreach (var query in DashboardFile.Load().Queries().Where(q => q.Where.StartsWith("panel", StringComparison.Ordinal)))
        {
            var result = await prometheus.QueryAsync(DashboardFile.Expand(query.Expr, "1m"));
            if (result.GetArrayLength() == 0) empty.Add($"{query.Where}: {query.Expr}");
        }
        Assert.True(empty.Count == 0, "panels without data:\n" + string.Join('\n', empty));

        Assert.Equal(["gemma-2-2b"], await prometheus.LabelValuesAsync("model", "probemon_build_info"));
        Assert.Equal(["ans-sae", "tox-l12"], (await prometheus.LabelValuesAsync("probe", "probemon_probe_scored_total")).Order());

        // The numbers behind three panels: tox-l12 is always positive, ans-sae never; every lookup hit; risk as published.
        var positive = ByProbe(await prometheus.QueryAsync(DashboardFile.Expand(PanelExpr("Positive rate"), "1m")));
        Assert.Equal(1.0, positive["tox-l12"]);
        Assert.Equal(0.0, positive["ans-sae"]);
        var hits = await prometheus.QueryAsync(DashboardFile.Expand(PanelExpr("Cache hit rate"), "1m"));
        Assert.Equal(1.0, Value(hits[0]));
        var risk = ByProbe(await prometheus.QueryAsync(DashboardFile.Expand(PanelExpr("Transfer risk"), "1m")));
        Assert.Equal(0.25, risk["tox-l12"]);
        await app.StopAsync();
    }

    private static string PanelExpr(string title) =>
        (string)DashboardFile.Load().Panels().First(p => (string?)p["title"] == title)["targets"]![0]!["expr"]!;

    private static Dictionary<string, double> ByProbe(JsonElement result) =>
        result.EnumerateArray().ToDictionary(s => s.GetProperty("metric").GetProperty("probe").GetString()!, Value);

    private static double Value(JsonElement sample) =>
        double.Parse(sample.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
}
