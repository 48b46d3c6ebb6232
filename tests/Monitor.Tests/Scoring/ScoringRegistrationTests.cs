using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ProbeMonitor.Monitor.Caching;
using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.Scoring;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Scoring;

public sealed class ScoringRegistrationTests : IDisposable
{
    private readonly TestBundles _bundles = new();

    public void Dispose() => _bundles.Dispose();

    [Fact]
    public async Task AddProbeScoring_wires_the_core_and_loads_probes_at_start()
    {
        _bundles.WriteDense("tox-dense");
        var services = new ServiceCollection().AddLogging();
        services.AddProbeScoring(new MonitorOptions { ProbesDir = _bundles.Root, CacheSizeBytes = 1 << 20 });
        await using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<ProbeRegistry>();
        Assert.Equal(0, registry.Current.Count);
        foreach (var hosted in provider.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);

        Assert.Equal(["tox-dense"], registry.Current.Probes.Select(p => p.Id));
        var scores = provider.GetRequiredService<ProbeScorer>().Score(PooledBatch.AnyPooling(new float[TestBundles.D], 1, TestBundles.D));
        Assert.Single(scores.Requests);
        Assert.Equal(1 << 20, provider.GetRequiredService<ActivationCache>().SizeLimitBytes);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void A_zero_cache_size_registers_no_cache()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddProbeScoring(new MonitorOptions { CacheSizeBytes = 0 });
        using var provider = services.BuildServiceProvider();
        Assert.Null(provider.GetService<ActivationCache>());
    }
}
