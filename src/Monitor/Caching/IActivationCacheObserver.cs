namespace ProbeMonitor.Monitor.Caching;

/// <summary>Receives the activation cache's events, for metrics; must be cheap and thread-safe.</summary>
public interface IActivationCacheObserver
{
    /// <summary>A lookup found its activations.</summary>
    void Hit();

    /// <summary>A lookup found nothing.</summary>
    void Miss();

    /// <summary>An entry left the cache (evicted for space, replaced or removed).</summary>
    void Evicted(long bytes);
}
