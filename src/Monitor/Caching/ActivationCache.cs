using Microsoft.Extensions.Caching.Memory;

namespace ProbeMonitor.Monitor.Caching;

/// <summary>An in-memory cache of pooled activations by (model, layer, pooling, token ids), bounded in bytes.</summary>
/// <remarks>
/// Built on <see cref="MemoryCache"/> with <see cref="MemoryCacheOptions.SizeLimit"/> in bytes and each entry's size its
/// floats × 4 (the key and bookkeeping are not counted). MemoryCache does not evict to make room for a new entry: an
/// entry that would overflow the limit is not stored, and a background compaction then frees about
/// <see cref="CompactionPercentage"/> of the limit, least recently used first. So the cache never exceeds its limit, and
/// right after it fills some puts are dropped until the compaction has run. The cache owns the arrays it stores;
/// callers get them back read-only.
/// </remarks>
public sealed class ActivationCache : IDisposable
{
    /// <summary>The share of the limit a compaction frees.</summary>
    public const double CompactionPercentage = 0.10;

    private readonly MemoryCache _cache;
    private readonly IActivationCacheObserver? _observer;
    private readonly PostEvictionDelegate _onEvicted;
    private long _hits, _misses;

    /// <summary>A cache holding at most <paramref name="sizeLimitBytes"/> bytes of activations.</summary>
    public ActivationCache(long sizeLimitBytes, IActivationCacheObserver? observer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeLimitBytes);
        SizeLimitBytes = sizeLimitBytes;
        _observer = observer;
        var options = new MemoryCacheOptions { SizeLimit = sizeLimitBytes, CompactionPercentage = CompactionPercentage, TrackStatistics = true };
        _cache = new MemoryCache(options);
        _onEvicted = (_, value, _, _) => _observer?.Evicted(BytesOf((ReadOnlyMemory<float>)value!));
    }

    /// <summary>The limit in bytes.</summary>
    public long SizeLimitBytes { get; }

    /// <summary>Lookups that found their activations.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Lookups that found nothing.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>The bytes of activations held now (MemoryCache's estimate, which counts exactly the sizes given).</summary>
    public long CurrentBytes => _cache.GetCurrentStatistics()?.CurrentEstimatedSize ?? 0;

    /// <summary>Entries held now.</summary>
    public long Count => _cache.Count;

    /// <summary>Looks the activations of <paramref name="key"/> up, counting a hit or a miss.</summary>
    public bool TryGet(in ActivationCacheKey key, out ReadOnlyMemory<float> activations)
    {
        if (_cache.TryGetValue(key, out object? value) && value is ReadOnlyMemory<float> found)
        {
            Interlocked.Increment(ref _hits);
            _observer?.Hit();
            activations = found;
            return true;
        }
        Interlocked.Increment(ref _misses);
        _observer?.Miss();
        activations = default;
        return false;
    }

    /// <summary>Stores <paramref name="activations"/> under <paramref name="key"/>, taking ownership of the array.</summary>
    /// <returns>Whether it fits the limit at all (an entry larger than the whole cache is never stored).</returns>
    public bool Set(in ActivationCacheKey key, float[] activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        long bytes = BytesOf(activations);
        if (bytes > SizeLimitBytes) return false;
        using var entry = _cache.CreateEntry(key);
        entry.Size = bytes;
        entry.Value = new ReadOnlyMemory<float>(activations);
        entry.RegisterPostEvictionCallback(_onEvicted);
        return true;
    }

    /// <summary>Removes the entry of <paramref name="key"/>, if any.</summary>
    public void Remove(in ActivationCacheKey key) => _cache.Remove(key);

    /// <summary>Asks the cache to drop <paramref name="percentage"/> of its entries now (least recently used first).</summary>
    public void Compact(double percentage) => _cache.Compact(percentage);

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();

    private static long BytesOf(ReadOnlyMemory<float> activations) => (long)activations.Length * sizeof(float);
}
