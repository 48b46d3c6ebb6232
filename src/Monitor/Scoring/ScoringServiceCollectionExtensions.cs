using Microsoft.Extensions.DependencyInjection.Extensions;
using ProbeMonitor.Monitor.Caching;
using ProbeMonitor.Monitor.Configuration;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>Registers the scoring core: options, probe registry (loaded at start-up), scorer and activation cache.</summary>
public static class ScoringServiceCollectionExtensions
{
    /// <summary>Adds <see cref="MonitorOptions"/>, <see cref="ProbeRegistry"/>, <see cref="ProbeScorer"/>, <see cref="ActivationCache"/>
    /// (when its size is positive; it reports to an <see cref="IActivationCacheObserver"/> if one is registered) and a hosted
    /// service that loads the probes at start-up.</summary>
    public static IServiceCollection AddProbeScoring(this IServiceCollection services, MonitorOptions options, ProbeScoringOptions? scoring = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(scoring ?? ProbeScoringOptions.Default);
        services.AddSingleton(sp => new ProbeRegistry(options.ProbesDir, sp.GetRequiredService<ProbeScoringOptions>()));
        services.AddSingleton(sp => new ProbeScorer(sp.GetRequiredService<ProbeRegistry>()));
        if (options.CacheSizeBytes > 0)
            services.AddSingleton(sp => new ActivationCache(options.CacheSizeBytes, sp.GetService<IActivationCacheObserver>()));
        services.AddHostedService<ProbeRegistryLoader>();
        return services;
    }
}
