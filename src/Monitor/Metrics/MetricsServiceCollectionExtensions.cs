using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Registers the metric catalogue and the Prometheus collector with dependency injection.</summary>
public static class MetricsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="MonitorMetrics"/> and a <see cref="MetricsCollector"/> scoped to this host's <see cref="IMeterFactory"/>.</summary>
    public static IServiceCollection AddMonitorMetrics(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton(sp => new MetricsCollector(new MetricsCollectorOptions { Scope = sp.GetRequiredService<IMeterFactory>() }));
        services.TryAddSingleton(sp =>
        {
            // The collector must listen before the catalogue records its initial zero series.
            sp.GetRequiredService<MetricsCollector>();
            return new MonitorMetrics(sp.GetRequiredService<IMeterFactory>());
        });
        return services;
    }
}
