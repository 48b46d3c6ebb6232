using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Deploy;

/// <summary>Debian's promtool checks deploy/prometheus: the config, the alerting rules, and the rules' unit tests
/// (alerts.test.yml states, for synthetic series, which alerts fire when and with what text).</summary>
public sealed class PrometheusRulesTests
{
    private static string Dir => Path.Combine(RepoPaths.Root, "deploy", "prometheus");

    [PeerFact("exe:promtool")]
    public void Config_and_its_rule_files_pass_promtool_check_config()
    {
        var result = Promtool("check", "config", Path.Combine(Dir, "prometheus.yml"));
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        Assert.Contains("SUCCESS: 1 rule files found", result.StdOut);
    }

    [PeerFact("exe:promtool")]
    public void Alert_rules_pass_promtool_check_rules()
    {
        var result = Promtool("check", "rules", Path.Combine(Dir, "alerts.yml"));
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        Assert.Contains("SUCCESS: 5 rules found", result.StdOut);
    }

    [PeerFact("exe:promtool")]
    public void Alert_rule_unit_tests_pass()
    {
        var result = Promtool("test", "rules", Path.Combine(Dir, "alerts.test.yml"));
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        Assert.Contains("SUCCESS", result.StdOut);
    }

    [PeerFact("exe:promtool")]
    public void Rule_unit_tests_fail_when_a_threshold_moves_so_passing_means_something()
    {
        var dir = RepoPaths.NewTempDir("pm-alerts");
        try
        {
            var alerts = File.ReadAllText(Path.Combine(Dir, "alerts.yml"));
            Assert.Contains("probemon_transfer_risk > 0.7", alerts);
            File.WriteAllText(Path.Combine(dir, "alerts.yml"), alerts.Replace("probemon_transfer_risk > 0.7", "probemon_transfer_risk > 0.9"));
            File.Copy(Path.Combine(Dir, "alerts.test.yml"), Path.Combine(dir, "alerts.test.yml"));
            var result = Promtool("test", "rules", Path.Combine(dir, "alerts.test.yml"));
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("ProbeMonitorTransferRiskHigh", result.StdOut + result.StdErr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static Peers.ProcessResult Promtool(params string[] args) =>
        Peers.Run(Peers.FindExecutable("promtool")!, args, null, TimeSpan.FromSeconds(60));
}
