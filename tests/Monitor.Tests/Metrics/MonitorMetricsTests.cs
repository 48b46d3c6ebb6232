using ProbeMonitor.Monitor.Metrics;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Metrics;

public sealed class MonitorMetricsTests
{
    private static readonly Dictionary<string, string> Catalogue = new()
    {
        ["probemon_requests_total"] = "counter",
        ["probemon_request_duration_seconds"] = "histogram",
        ["probemon_queue_duration_seconds"] = "histogram",
        ["probemon_forward_duration_seconds"] = "histogram",
        ["probemon_scoring_duration_seconds"] = "histogram",
        ["probemon_batch_size"] = "histogram",
        ["probemon_queue_depth"] = "gauge",
        ["probemon_cache_requests_total"] = "counter",
        ["probemon_probe_score"] = "histogram",
        ["probemon_probe_positive_total"] = "counter",
        ["probemon_probe_scored_total"] = "counter",
        ["probemon_drift_psi"] = "gauge",
        ["probemon_drift_ks_statistic"] = "gauge",
        ["probemon_drift_wasserstein_normalized"] = "gauge",
        ["probemon_drift_positive_rate_shift"] = "gauge",
        ["probemon_drift_sae_dense_disagreement_ratio"] = "gauge",
        ["probemon_drift_activation_ood_ratio"] = "gauge",
        ["probemon_drift_latent_firing_rate_shift"] = "gauge",
        ["probemon_transfer_risk"] = "gauge",
        ["probemon_drift_window_requests"] = "gauge",
        ["probemon_probes_loaded"] = "gauge",
        ["probemon_build_info"] = "gauge",
    };

    [Fact]
    public void Every_catalogue_metric_is_exported_under_its_declared_name_and_type()
    {
        using var f = new MonitorMetricsFixture();
        MonitorMetricsFixture.RecordOneOfEverything(f.Metrics);
        var text = f.Text();
        Assert.Equal(Catalogue.OrderBy(e => e.Key, StringComparer.Ordinal), Exposition.Types(text).OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.All(text.Split('\n').Where(l => l.StartsWith("# TYPE", StringComparison.Ordinal)),
            t => Assert.Contains($"# HELP {t.Split(' ')[2]} ", text));
    }

    [Fact]
    public void Only_bounded_label_names_appear()
    {
        using var f = new MonitorMetricsFixture();
        MonitorMetricsFixture.RecordOneOfEverything(f.Metrics);
        var names = Exposition.Samples(f.Text()).Keys
            .Where(k => k.Contains('{'))
            .SelectMany(k => k[(k.IndexOf('{') + 1)..^1].Split("\",").Select(p => p[..p.IndexOf('=')]))
            .ToHashSet();
        Assert.Subset(new HashSet<string> { "method", "status", "result", "probe", "task", "kind", "version", "model", "layer", "le" }, names);
    }

    [Fact]
    public void Fresh_catalogue_already_shows_zero_cache_series_and_queue_depth()
    {
        using var f = new MonitorMetricsFixture();
        var s = Exposition.Samples(f.Text());
        Assert.Equal(0, s["probemon_cache_requests_total{result=\"hit\"}"]);
        Assert.Equal(0, s["probemon_cache_requests_total{result=\"miss\"}"]);
        Assert.Equal(0, s["probemon_queue_depth"]);
        Assert.Equal(0, s["probemon_probes_loaded"]);
        Assert.Contains(s, e => e.Key.StartsWith("probemon_build_info{", StringComparison.Ordinal) && e.Key.Contains("model=\"none\"") && e.Value == 1);
    }

    [Fact]
    public void Requests_and_cache_lookups_are_counted_by_their_labels()
    {
        using var f = new MonitorMetricsFixture();
        f.Metrics.RecordRequest("Score", "OK", 0.004);
        f.Metrics.RecordRequest("Score", "OK", 0.02);
        f.Metrics.RecordRequest("Health", "OK", 0.0001);
        f.Metrics.RecordRequest("Score", "ResourceExhausted", 0.00003);
        for (int i = 0; i < 3; i++) f.Metrics.RecordCacheLookup(hit: i > 0);
        var s = Exposition.Samples(f.Text());
        Assert.Equal(2, s["probemon_requests_total{method=\"Score\",status=\"OK\"}"]);
        Assert.Equal(1, s["probemon_requests_total{method=\"Health\",status=\"OK\"}"]);
        Assert.Equal(1, s["probemon_requests_total{method=\"Score\",status=\"ResourceExhausted\"}"]);
        Assert.Equal(0.024, s["probemon_request_duration_seconds_sum{method=\"Score\",status=\"OK\"}"], 1e-12);
        Assert.Equal(1, s["probemon_request_duration_seconds_bucket{method=\"Score\",status=\"OK\",le=\"0.005\"}"]);
        Assert.Equal(2, s["probemon_request_duration_seconds_bucket{method=\"Score\",status=\"OK\",le=\"0.025\"}"]);
        Assert.Equal(1, s["probemon_request_duration_seconds_bucket{method=\"Health\",status=\"OK\",le=\"0.0001\"}"]);
        // The refusal is timed apart from the answers: its own series, in the first bucket.
        Assert.Equal(1, s["probemon_request_duration_seconds_bucket{method=\"Score\",status=\"ResourceExhausted\",le=\"0.0001\"}"]);
        Assert.Equal(0, s["probemon_request_duration_seconds_bucket{method=\"Score\",status=\"OK\",le=\"0.0001\"}"]);
        Assert.Equal(2, s["probemon_cache_requests_total{result=\"hit\"}"]);
        Assert.Equal(1, s["probemon_cache_requests_total{result=\"miss\"}"]);
    }

    [Fact]
    public void Probe_scores_carry_bundle_labels_and_unknown_ids_fold_into_one_series()
    {
        using var f = new MonitorMetricsFixture();
        f.Metrics.SetLoadedProbes([new("tox-l12", "toxicity", "linear")]);
        Assert.True(f.Metrics.RecordProbeScore("tox-l12", 0.15, positive: false));
        Assert.True(f.Metrics.RecordProbeScore("tox-l12", 0.9, positive: true));
        Assert.False(f.Metrics.RecordProbeScore("who-knows-1", 0.5, positive: true));
        Assert.False(f.Metrics.RecordProbeScore("who-knows-2", 0.5, positive: true));
        var s = Exposition.Samples(f.Text());
        const string tox = "kind=\"linear\",probe=\"tox-l12\",task=\"toxicity\"";
        Assert.Equal(2, s[$"probemon_probe_scored_total{{{tox}}}"]);
        Assert.Equal(1, s[$"probemon_probe_positive_total{{{tox}}}"]);
        Assert.Equal(0, s[$"probemon_probe_score_bucket{{{tox},le=\"0.1\"}}"]);
        Assert.Equal(1, s[$"probemon_probe_score_bucket{{{tox},le=\"0.15\"}}"]);
        Assert.Equal(2, s[$"probemon_probe_score_bucket{{{tox},le=\"1\"}}"]);
        Assert.Equal(21, s.Keys.Count(k => k.StartsWith($"probemon_probe_score_bucket{{{tox}", StringComparison.Ordinal)));
        Assert.Equal(2, s["probemon_probe_scored_total{kind=\"unregistered\",probe=\"unregistered\",task=\"unregistered\"}"]);
        Assert.Equal(1, s["probemon_probes_loaded"]);
    }

    [Fact]
    public void Drift_readings_set_gauges_and_null_fields_keep_the_previous_value()
    {
        using var f = new MonitorMetricsFixture();
        f.Metrics.SetLoadedProbes([new("tox-l12", "toxicity", "linear")]);
        Assert.True(f.Metrics.PublishDrift("tox-l12", new DriftGaugeValues { Psi = 0.12, TransferRisk = 0.4, WindowRequests = 100 }));
        Assert.True(f.Metrics.PublishDrift("tox-l12", new DriftGaugeValues { TransferRisk = 0.6 }));
        Assert.False(f.Metrics.PublishDrift("not-loaded", new DriftGaugeValues { Psi = 9 }));
        var s = Exposition.Samples(f.Text());
        const string tox = "{kind=\"linear\",probe=\"tox-l12\",task=\"toxicity\"}";
        Assert.Equal(0.12, s["probemon_drift_psi" + tox]);
        Assert.Equal(0.6, s["probemon_transfer_risk" + tox]);
        Assert.Equal(100, s["probemon_drift_window_requests" + tox]);
        Assert.DoesNotContain(s.Keys, k => k.StartsWith("probemon_drift_ks_statistic", StringComparison.Ordinal));
        Assert.DoesNotContain(s.Keys, k => k.Contains("not-loaded", StringComparison.Ordinal));
    }

    [Fact]
    public void Out_of_range_drift_values_are_refused_and_publish_nothing()
    {
        using var f = new MonitorMetricsFixture();
        f.Metrics.SetLoadedProbes([new("p", "toxicity", "linear")]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            f.Metrics.PublishDrift("p", new DriftGaugeValues { Psi = 0.1, TransferRisk = 1.5 }));
        Assert.Contains("TransferRisk", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Metrics.PublishDrift("p", new DriftGaugeValues { KsStatistic = double.NaN }));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Metrics.PublishDrift("p", new DriftGaugeValues { WindowRequests = -1 }));
        Assert.DoesNotContain("probemon_drift_psi", f.Text());
    }

    [Fact]
    public void Probe_sets_with_duplicates_or_blanks_are_refused()
    {
        using var f = new MonitorMetricsFixture();
        var dup = Assert.Throws<ArgumentException>(() => f.Metrics.SetLoadedProbes([new("p", "t", "linear"), new("p", "t", "sae")]));
        Assert.Contains("'p'", dup.Message);
        Assert.Throws<ArgumentException>(() => f.Metrics.SetLoadedProbes([new("", "t", "linear")]));
    }

    [Fact]
    public void Build_info_names_the_served_model_and_layer()
    {
        using var f = new MonitorMetricsFixture();
        f.Metrics.SetServedModel("gemma-2-2b", 12);
        var line = f.Text().Split('\n').Single(l => l.StartsWith("probemon_build_info{", StringComparison.Ordinal));
        Assert.Contains("layer=\"12\",model=\"gemma-2-2b\",version=\"", line);
        Assert.EndsWith("} 1", line);
    }

    [Fact]
    public void Hot_recording_methods_allocate_nothing()
    {
        using var f = new MonitorMetricsFixture();
        f.Metrics.SetLoadedProbes([new("tox-l12", "toxicity", "linear")]);
        void RecordAll()
        {
            f.Metrics.RecordRequest("Score", "OK", 0.003);
            f.Metrics.RecordQueueWait(0.0002);
            f.Metrics.RecordBatchSize(4);
            f.Metrics.RecordCacheLookup(hit: true);
            f.Metrics.RecordProbeScore("tox-l12", 0.7, positive: true);
            f.Metrics.SetQueueDepth(2);
        }
        for (int i = 0; i < 100; i++) RecordAll();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) RecordAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Two_hosts_in_one_process_do_not_see_each_others_metrics()
    {
        using var a = new MonitorMetricsFixture();
        using var b = new MonitorMetricsFixture();
        a.Metrics.RecordCacheLookup(hit: true);
        Assert.Equal(1, Exposition.Samples(a.Text())["probemon_cache_requests_total{result=\"hit\"}"]);
        Assert.Equal(0, Exposition.Samples(b.Text())["probemon_cache_requests_total{result=\"hit\"}"]);
    }
}
