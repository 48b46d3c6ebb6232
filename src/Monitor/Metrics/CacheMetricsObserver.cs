using ProbeMonitor.Monitor.Caching;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Counts activation-cache hits and misses in <c>probemon_cache_requests_total</c>.</summary>
public sealed class CacheMetricsObserver(MonitorMetrics metrics) : IActivationCacheObserver
{
    /// <inheritdoc />
    public void Hit() => metrics.RecordCacheLookup(hit: true);

    /// <inheritdoc />
    public void Miss() => metrics.RecordCacheLookup(hit: false);

    /// <inheritdoc />
    public void Evicted(long bytes)
    {
    }
}
