using Microsoft.Extensions.DependencyInjection.Extensions;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.Caching;
using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.Monitor.Scoring;

namespace ProbeMonitor.Monitor.Services;

/// <summary>Registers the whole scoring path: the scoring core, both queues, the real <see cref="IScoringService"/>, the drift
/// publisher and the shutdown drain.</summary>
public static class ScoringPipelineServiceCollectionExtensions
{
    /// <summary>Adds everything <see cref="ProbeScoringService"/> needs, configured by <paramref name="options"/>. An
    /// <see cref="IScoringService"/> or <see cref="IActivationSource"/> registered before this call is kept.</summary>
    public static IServiceCollection AddScoringPipeline(this IServiceCollection services, MonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddMonitorMetrics();
        services.TryAddSingleton<IActivationCacheObserver>(sp => new CacheMetricsObserver(sp.GetRequiredService<MonitorMetrics>()));
        services.AddProbeScoring(options, options.ToProbeScoringOptions());
        services.TryAddSingleton<BatcherMetricsObserver.SharedDepth>();
        services.TryAddSingleton(sp => new ScoringQueue(
            sp.GetRequiredService<ProbeRegistry>(),
            sp.GetRequiredService<ProbeScorer>(),
            options.ToActivationBatcherOptions(),
            Observer(sp),
            sp.GetRequiredService<MonitorMetrics>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new ForwardQueue(
            sp.GetService<IActivationSource>(),
            options.ModelDir,
            sp.GetService<ActivationCache>(),
            options.ToBatcherOptions(options.MaxBatchTokens),
            Observer(sp),
            sp.GetRequiredService<MonitorMetrics>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IScoringService>(sp => new ProbeScoringService(
            sp.GetRequiredService<ProbeRegistry>(),
            sp.GetRequiredService<ScoringQueue>(),
            sp.GetRequiredService<ForwardQueue>(),
            options,
            sp.GetRequiredService<MonitorMetrics>()));
        services.AddSingleton<DriftPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<DriftPublisher>());
        services.AddHostedService<ScoringShutdown>();
        return services;
    }

    private static BatcherMetricsObserver Observer(IServiceProvider sp) =>
        new(sp.GetRequiredService<MonitorMetrics>(), sp.GetRequiredService<BatcherMetricsObserver.SharedDepth>());
}
