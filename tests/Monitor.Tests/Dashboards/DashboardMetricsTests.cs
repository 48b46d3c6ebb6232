using System.Text.Json.Nodes;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Dashboards;

/// <summary>Every metric the dashboard and the alert rules query is one the sidecar really exports (read from its own
/// /metrics, not from a list), with the labels the queries match on, inside functions that suit its type.</summary>
public sealed class DashboardMetricsTests(SidecarScrapeFixture sidecar) : IClassFixture<SidecarScrapeFixture>
{
    private static IEnumerable<DashboardQuery> AllQueries() =>
        DashboardFile.Load().Queries().Concat(AlertRuleFile.Load().Select(r => new DashboardQuery($"alert {r.Alert}", r.Expr)));

    [Fact]
    public void Every_queried_metric_is_exported_with_the_matched_labels()
    {
        var problems = new List<string>();
        int selectors = 0;
        foreach (var query in AllQueries())
        {
            foreach (var selector in PromQl.Selectors(query.Expr))
            {
                selectors++;
                if (sidecar.Metrics.Problem(selector.Name, selector.MatcherLabels) is { } problem)
                    problems.Add($"{query.Where}: {problem}\n    {query.Expr}");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems) + "\n\nexposition:\n" + sidecar.Exposition);
        Assert.True(selectors >= 40, $"only {selectors} probemon_ selectors found; is the extraction broken?");
    }

    [Fact]
    public void Rates_wrap_counters_or_histogram_series_and_quantiles_wrap_histogram_buckets()
    {
        var problems = new List<string>();
        foreach (var query in AllQueries())
        {
            foreach (var function in new[] { "rate", "irate", "increase" })
                foreach (var argument in PromQl.CallArguments(query.Expr, function))
                    foreach (var selector in PromQl.Selectors(argument))
                        if (sidecar.Metrics.FamilyOf(selector.Name) is not { Type: "counter" or "histogram" })
                            problems.Add($"{query.Where}: {function}() over {selector.Name}, a {Describe(selector.Name)}");

            foreach (var argument in PromQl.CallArguments(query.Expr, "histogram_quantile"))
            {
                // What is rated inside must be histogram buckets; a filter beside it (and on ... build_info) may be anything.
                var selectors = new[] { "rate", "irate", "increase" }
                    .SelectMany(f => PromQl.CallArguments(argument, f)).SelectMany(a => PromQl.Selectors(a)).ToList();
                if (selectors.Count == 0 || !selectors.All(s => s.Name.EndsWith("_bucket", StringComparison.Ordinal)
                                                                && sidecar.Metrics.FamilyOf(s.Name)?.Type == "histogram"))
                    problems.Add($"{query.Where}: histogram_quantile over the rate of {string.Join(", ", selectors.Select(s => s.Name))}, not of histogram _bucket series");
                if (!argument.Contains("le", StringComparison.Ordinal))
                    problems.Add($"{query.Where}: histogram_quantile must keep the le label when aggregating");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Dashboard_shows_every_drift_signal_each_latency_histogram_and_the_score_heatmap()
    {
        var dashboard = DashboardFile.Load();
        var used = dashboard.Queries().SelectMany(q => PromQl.Selectors(q.Expr)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var drift = sidecar.Metrics.FamilyTypes.Keys
            .Where(f => f.StartsWith("probemon_drift_", StringComparison.Ordinal) || f == "probemon_transfer_risk").ToList();
        Assert.True(drift.Count >= 8, $"expected the seven drift signals and transfer risk, the sidecar exports {string.Join(", ", drift)}");
        Assert.DoesNotContain(drift, f => !used.Contains(f));

        var exprs = dashboard.Queries().Select(q => q.Expr).ToList();
        var latency = sidecar.Metrics.FamilyTypes.Where(f => f.Value == "histogram" && f.Key.EndsWith("_duration_seconds", StringComparison.Ordinal))
            .Select(f => f.Key).ToList();
        Assert.NotEmpty(latency);
        foreach (var family in latency)
            foreach (var q in new[] { "0.5", "0.95", "0.99" })
                Assert.True(exprs.Any(e => e.Contains($"histogram_quantile({q},", StringComparison.Ordinal) && e.Contains(family + "_bucket", StringComparison.Ordinal)),
                    $"no p{q} panel query for {family}");

        foreach (var needed in new[] { "probemon_requests_total", "probemon_batch_size_bucket", "probemon_queue_depth", "probemon_cache_requests_total",
                     "probemon_probe_positive_total", "probemon_probe_scored_total" })
            Assert.Contains(needed, used);

        var heatmap = Assert.Single(dashboard.Panels(), p => (string?)p["type"] == "heatmap");
        Assert.Equal("probe", (string?)heatmap["repeat"]);
        var target = Assert.Single(heatmap["targets"]!.AsArray())!;
        Assert.Equal("heatmap", (string?)target["format"]);
        Assert.Contains("probemon_probe_score_bucket", (string)target["expr"]!);
        Assert.Contains("by (le)", (string)target["expr"]!);
    }

    [Fact]
    public void Transfer_risk_gauge_thresholds_are_the_alert_thresholds()
    {
        var gauge = Assert.Single(DashboardFile.Load().Panels(), p => (string?)p["type"] == "gauge");
        Assert.Contains("probemon_transfer_risk", (string)gauge["targets"]![0]!["expr"]!);
        var defaults = gauge["fieldConfig"]!["defaults"]!;
        Assert.Equal(0, (double)defaults["min"]!);
        Assert.Equal(1, (double)defaults["max"]!);
        var steps = defaults["thresholds"]!["steps"]!.AsArray()
            .Where(s => s!["value"] is not null).Select(s => (double)s!["value"]!).Order().ToList();

        var alertThresholds = AlertRuleFile.Load()
            .Select(r => r.Expr.Split("probemon_transfer_risk >", StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2)
            .Select(parts => double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.Equal([0.4, 0.7], alertThresholds);
        Assert.Equal(alertThresholds, steps);
    }

    [Fact]
    public void Dashboard_has_a_stable_uid_probe_and_model_variables_and_a_consistent_layout()
    {
        var dashboard = DashboardFile.Load();
        Assert.Equal("probemonitor-overview", (string?)dashboard.Root["uid"]);

        var variables = dashboard.Variables();
        Assert.Equal("datasource", (string?)variables["datasource"]["type"]);
        Assert.Equal("prometheus", (string?)variables["datasource"]["query"]);
        foreach (var (name, metricLabel) in new[] { ("probe", "probe"), ("model", "model") })
        {
            Assert.True(variables.TryGetValue(name, out var variable), $"variable '{name}' is missing");
            Assert.Equal("query", (string?)variable!["type"]);
            Assert.Matches($@"^label_values\(probemon_[a-z0-9_]+, {metricLabel}\)$", DashboardFile.VariableQuery(variable));
            Assert.True((bool)variable["multi"]! && (bool)variable["includeAll"]!, $"variable '{name}' should allow several values and All");
            Assert.Equal("${datasource}", (string?)variable["datasource"]!["uid"]);
        }

        var queries = dashboard.Queries().Where(q => q.Where.StartsWith("panel", StringComparison.Ordinal)).ToList();
        Assert.Contains(queries, q => q.Expr.Contains("$probe", StringComparison.Ordinal));
        Assert.All(queries, q => Assert.Contains("$model", q.Expr)); // every panel follows the model selector

        var ids = new HashSet<int>();
        foreach (var panel in dashboard.Panels())
        {
            Assert.True(ids.Add((int)panel["id"]!), $"panel id {panel["id"]} repeats");
            var grid = panel["gridPos"]!;
            Assert.InRange((int)grid["x"]! + (int)grid["w"]!, 1, 24);
            if ((string?)panel["type"] == "row") continue;
            Assert.Equal("${datasource}", (string?)panel["datasource"]!["uid"]);
            Assert.False(string.IsNullOrWhiteSpace((string?)panel["title"]));
            Assert.NotEmpty(panel["targets"]!.AsArray());
            Assert.All(panel["targets"]!.AsArray(), t => Assert.Equal("${datasource}", (string?)t!["datasource"]!["uid"]));
        }
    }

    [Fact]
    public void Extraction_finds_names_in_selectors_functions_and_name_matchers_but_not_in_strings_or_label_lists()
    {
        // A hand-checked expression: two metrics, one via __name__; the strings, label lists and variables name none.
        const string expr = """
            sum by (probemon_not_a_metric) (rate(probemon_a_total{status=~"probemon_in_string", probe=~"$probe"}[$__rate_interval]))
              / on (instance) group_left (probemon_label) {__name__="probemon_b_bucket", le="0.5"} # probemon_comment
            """;
        var selectors = PromQl.Selectors(expr);
        Assert.Equal(["probemon_a_total", "probemon_b_bucket"], selectors.Select(s => s.Name));
        Assert.Equal(["status", "probe"], selectors[0].MatcherLabels);
        Assert.Equal(["le"], selectors[1].MatcherLabels);
        Assert.Equal(["probemon_a_total{status=~\"probemon_in_string\", probe=~\"$probe\"}[$__rate_interval]"], PromQl.CallArguments(expr, "rate"));
    }

    [Fact]
    public void Exposition_reader_tells_why_a_name_cannot_be_queried()
    {
        // Guards the check above against passing vacuously: each mistake a dashboard author could make is named.
        var m = sidecar.Metrics;
        Assert.Null(m.Problem("probemon_request_duration_seconds_bucket", ["le", "method"]));
        Assert.Contains("histogram", m.Problem("probemon_request_duration_seconds", []));
        Assert.Contains("_total", m.Problem("probemon_requests", []));
        Assert.Contains("not exported", m.Problem("probemon_no_such_metric", []));
        Assert.Contains("no label(s) probe", m.Problem("probemon_queue_depth", ["probe"]));
        Assert.Equal(("probemon_probe_score", "histogram"), m.FamilyOf("probemon_probe_score_bucket"));
        Assert.Equal(("probemon_requests_total", "counter"), m.FamilyOf("probemon_requests_total"));
        Assert.Null(m.FamilyOf("probemon_drift_psi_bucket"));
    }

    private string Describe(string name) => sidecar.Metrics.FamilyOf(name) is { } f ? $"{f.Type} ({f.Family})" : "series the sidecar does not export";
}
