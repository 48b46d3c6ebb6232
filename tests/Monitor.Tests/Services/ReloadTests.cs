using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>ReloadProbes over gRPC: a tampered bundle is reported and its probe keeps serving the version loaded before.</summary>
public sealed class ReloadTests : IAsyncLifetime
{
    private readonly ServingBundles _bundles = new();
    private Sidecar _sidecar = null!;

    public async Task InitializeAsync() => _sidecar = await Sidecar.StartAsync(_bundles.Root);

    public async Task DisposeAsync()
    {
        await _sidecar.DisposeAsync();
        _bundles.Dispose();
    }

    private Task<ReloadProbesResponse> Reload() => _sidecar.Channel.UnaryCall(ProbeMonitorMethods.ReloadProbes, new ReloadProbesRequest(), _sidecar.Options()).ResponseAsync;

    private async Task AssertScoresAsWrittenOut()
    {
        var x = ServingBundles.Vector(5);
        var response = await _sidecar.ScoreAsync(Sidecar.Request(x));
        Assert.Equal([ServingBundles.DenseId, ServingBundles.SaeId], response.Scores.Select(s => s.ProbeId));
        Assert.Equal(_bundles.DenseProbability(x), response.Scores[0].Probability, 1e-5);
        Assert.Equal(_bundles.SaeProbability(x).Probability, response.Scores[1].Probability, 1e-5);
    }

    [Fact]
    public async Task A_tampered_bundle_keeps_the_old_set_serving()
    {
        await AssertScoresAsWrittenOut();
        var clean = await Reload();
        Assert.Equal([ServingBundles.DenseId, ServingBundles.SaeId], clean.LoadedProbeIds);
        Assert.Empty(clean.Errors);

        _bundles.Tamper(ServingBundles.SaeId);
        var one = await Reload();
        Assert.Equal([ServingBundles.DenseId, ServingBundles.SaeId], one.LoadedProbeIds);
        var error = Assert.Single(one.Errors);
        Assert.Contains(_bundles.PathOf(ServingBundles.SaeId), error);
        Assert.Contains("SHA-256", error);
        Assert.Contains("still serving the version loaded before", error);
        await AssertScoresAsWrittenOut();

        _bundles.Tamper(ServingBundles.DenseId);
        var both = await Reload();
        Assert.Equal([ServingBundles.DenseId, ServingBundles.SaeId], both.LoadedProbeIds);
        Assert.Equal(3, both.Errors.Count);
        Assert.Contains("still serving the 2 probe(s) loaded before", both.Errors[^1]);
        await AssertScoresAsWrittenOut();

        _bundles.Write();
        var repaired = await Reload();
        Assert.Empty(repaired.Errors);
        Assert.Equal(2, (await _sidecar.Channel.UnaryCall(ProbeMonitorMethods.ListProbes, new ListProbesRequest(), _sidecar.Options())).Probes.Count);
        await AssertScoresAsWrittenOut();
    }
}
