using System.Text.Json;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Dashboards;

/// <summary>Prometheus's own PromQL parser (Debian's promtool) accepts every panel expression of the dashboard.</summary>
public sealed class DashboardPromQlSyntaxTests
{
    [PeerFact("exe:promtool")]
    public void Every_panel_expression_parses_as_PromQL_once_Grafana_variables_are_expanded()
    {
        var queries = DashboardFile.Load().Queries().Where(q => q.Where.StartsWith("panel", StringComparison.Ordinal)).ToList();
        var result = CheckAsRecordingRules(queries.Select(q => DashboardFile.Expand(q.Expr, "1m")).ToList());
        Assert.True(result.ExitCode == 0, $"promtool rejected a dashboard expression:\n{result.StdOut}{result.StdErr}");
        Assert.Contains($"SUCCESS: {queries.Count} rules found", result.StdOut);
    }

    [PeerFact("exe:promtool")]
    public void The_check_rejects_a_malformed_expression_so_passing_means_something()
    {
        var result = CheckAsRecordingRules(["sum(rate(probemon_requests_total[1m])", "probemon_queue_depth"]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("dashboard:expr_0", result.StdOut + result.StdErr);
    }

    /// <summary>Writes the expressions as recording rules (JSON, which promtool's YAML reader accepts) and checks them.</summary>
    private static Peers.ProcessResult CheckAsRecordingRules(IReadOnlyList<string> exprs)
    {
        var dir = RepoPaths.NewTempDir("pm-promql");
        try
        {
            var rules = exprs.Select((e, i) => new Dictionary<string, string> { ["record"] = $"dashboard:expr_{i}", ["expr"] = e });
            var file = Path.Combine(dir, "dashboard-rules.yml");
            File.WriteAllText(file, JsonSerializer.Serialize(new { groups = new[] { new { name = "dashboard", rules } } }));
            return Peers.Run(Peers.FindExecutable("promtool")!, ["check", "rules", file], null, TimeSpan.FromSeconds(60));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
