using ProbeMonitor.Monitor.Tests.Metrics;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>What traffic leaves in /metrics: request counters by method and status, per-probe score counters, and the drift
/// gauges the publisher writes once a (small, configured) window has enough requests.</summary>
public sealed class MetricsWiringTests : IAsyncLifetime
{
    private const int Good = 30;
    private readonly ServingBundles _bundles = new();
    private Sidecar _sidecar = null!;

    public async Task InitializeAsync() =>
        _sidecar = await Sidecar.StartAsync(_bundles.Root, ["--drift-window", "40", "--drift-min-requests", "20", "--drift-publish-ms", "50"]);

    public async Task DisposeAsync()
    {
        await _sidecar.DisposeAsync();
        _bundles.Dispose();
    }

    [Fact]
    public async Task Traffic_shows_up_as_request_counters_probe_counters_and_drift_gauges()
    {
        int positives = 0;
        for (int i = 0; i < Good; i++)
        {
            var x = ServingBundles.Vector(i);
            await _sidecar.ScoreAsync(Sidecar.Request(x));
            if (_bundles.DenseProbability(x) >= ServingBundles.Threshold) positives++;
        }
        await _sidecar.FailAsync(Sidecar.Request(new float[3]));
        await _sidecar.FailAsync(Sidecar.Request(new float[3]));
        var unknown = Sidecar.Request(ServingBundles.Vector(0));
        unknown.ProbeIds.Add("nope");
        await _sidecar.FailAsync(unknown);

        var samples = await WaitForAsync(s => Find(s, "probemon_drift_window_requests", "probe=\"tox-dense\"") >= Good);

        Assert.Equal(Good, Find(samples, "probemon_requests_total", "method=\"Score\"", "status=\"OK\""));
        Assert.Equal(2, Find(samples, "probemon_requests_total", "method=\"Score\"", "status=\"InvalidArgument\""));
        Assert.Equal(1, Find(samples, "probemon_requests_total", "method=\"Score\"", "status=\"NotFound\""));
        Assert.Equal(Good, Find(samples, "probemon_request_duration_seconds_count", "method=\"Score\"", "status=\"OK\""));
        Assert.Equal(2, Find(samples, "probemon_request_duration_seconds_count", "method=\"Score\"", "status=\"InvalidArgument\""));
        Assert.Equal(1, Find(samples, "probemon_request_duration_seconds_count", "method=\"Score\"", "status=\"NotFound\""));
        Assert.Equal(Good, Find(samples, "probemon_probe_scored_total", "probe=\"tox-dense\"", "task=\"toxicity\"", "kind=\"dense\""));
        Assert.Equal(Good, Find(samples, "probemon_probe_scored_total", "probe=\"tox-sae\"", "kind=\"sae\""));
        Assert.Equal(positives, Find(samples, "probemon_probe_positive_total", "probe=\"tox-dense\"") ?? 0);
        Assert.Equal(2, Find(samples, "probemon_probes_loaded"));
        Assert.Equal(1, Find(samples, "probemon_build_info", "model=\"google/gemma-2-2b\"", "layer=\"20\""));
        Assert.True(Find(samples, "probemon_batch_size_count") >= 1);
        Assert.Equal(0, Find(samples, "probemon_queue_depth"));

        // Drift: the window holds exactly the good requests; the positive-rate shift is |window rate − reference 0.3|.
        Assert.Equal(Good, Find(samples, "probemon_drift_window_requests", "probe=\"tox-dense\""));
        Assert.Equal(Math.Abs((double)positives / Good - 0.3), Find(samples, "probemon_drift_positive_rate_shift", "probe=\"tox-dense\"")!.Value, 1e-9);
        var risk = Find(samples, "probemon_transfer_risk", "probe=\"tox-sae\"");
        Assert.InRange(risk!.Value, 0, 1);
        Assert.NotNull(Find(samples, "probemon_drift_psi", "probe=\"tox-dense\""));
        Assert.NotNull(Find(samples, "probemon_drift_sae_dense_disagreement_ratio", "probe=\"tox-sae\""));
    }

    private async Task<Dictionary<string, double>> WaitForAsync(Func<Dictionary<string, double>, bool> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var samples = Exposition.Samples(await _sidecar.ScrapeAsync());
            if (ready(samples) || DateTime.UtcNow > deadline) return samples;
            await Task.Delay(50);
        }
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include all <paramref name="labels"/>, or null.</summary>
    private static double? Find(Dictionary<string, double> samples, string name, params string[] labels)
    {
        var matches = samples.Where(s => (s.Key == name || s.Key.StartsWith(name + "{", StringComparison.Ordinal)) && labels.All(l => s.Key.Contains(l, StringComparison.Ordinal)))
            .ToList();
        Assert.True(matches.Count <= 1, $"{matches.Count} samples of {name} match {string.Join(",", labels)}: {string.Join("; ", matches.Select(m => m.Key))}");
        return matches.Count == 0 ? null : matches[0].Value;
    }
}
