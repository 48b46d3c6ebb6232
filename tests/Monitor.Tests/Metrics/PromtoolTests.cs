using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Metrics;

/// <summary>Prometheus's own parser and linter (Debian's <c>promtool check metrics</c>) judge the served exposition.</summary>
public sealed class PromtoolTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [PeerFact("exe:promtool")]
    public async Task Served_metrics_parse_and_pass_promtool_lint()
    {
        MonitorMetricsFixture.RecordOneOfEverything(factory.Services.GetRequiredService<MonitorMetrics>());
        using var client = factory.CreateClient();
        var body = await client.GetStringAsync("/metrics");
        var result = Peers.Run(Peers.FindExecutable("promtool")!, ["check", "metrics"], body, TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0 && result.StdOut.Trim().Length == 0 && result.StdErr.Trim().Length == 0,
            $"promtool exited {result.ExitCode}\nstdout: {result.StdOut}\nstderr: {result.StdErr}\ninput:\n{body}");
    }

    [PeerFact("exe:promtool")]
    public void Promtool_flags_broken_and_unidiomatic_expositions_so_the_check_above_means_something()
    {
        var broken = "# TYPE x counter\nx{a=\"unterminated} 1\n";
        var parse = Peers.Run(Peers.FindExecutable("promtool")!, ["check", "metrics"], broken, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, parse.ExitCode);

        var unidiomatic = "# HELP x Requests.\n# TYPE x counter\nx 1\n";
        var lint = Peers.Run(Peers.FindExecutable("promtool")!, ["check", "metrics"], unidiomatic, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, lint.ExitCode);
        Assert.Contains("_total", lint.StdOut + lint.StdErr);
    }

    [PeerFact("exe:promtool")]
    public void Escaped_labels_and_special_values_from_the_writer_parse()
    {
        using var scope = new CollectorScope();
        var g = scope.Meter.CreateGauge<double>("demo_special", null, "Escapes \\ and\nnewlines.");
        g.Record(double.PositiveInfinity, new KeyValuePair<string, object?>("path", "C:\\x\n\"q\""));
        g.Record(double.NaN, new KeyValuePair<string, object?>("path", "nan"));
        g.Record(1e-300, new KeyValuePair<string, object?>("path", "tiny"));
        var text = scope.Text();
        var result = Peers.Run(Peers.FindExecutable("promtool")!, ["check", "metrics"], text, TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"promtool exited {result.ExitCode}: {result.StdOut}{result.StdErr}\ninput:\n{text}");
    }
}
