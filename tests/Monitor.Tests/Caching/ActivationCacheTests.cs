using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using ProbeMonitor.Monitor.Caching;
using ProbeMonitor.Probes.Bundles;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Caching;

public sealed class ActivationCacheTests
{
    private sealed class Counter : IActivationCacheObserver
    {
        public int Hits, Misses;
        public ConcurrentQueue<long> Evictions { get; } = new();
        public void Hit() => Interlocked.Increment(ref Hits);
        public void Miss() => Interlocked.Increment(ref Misses);
        public void Evicted(long bytes) => Evictions.Enqueue(bytes);
    }

    private static ActivationCacheKey Key(params int[] tokens) => ActivationCacheKey.Create("google/gemma-2-2b", 20, Pooling.Last, tokens);

    [Fact]
    public void Keys_hash_the_token_ids_with_SHA256()
    {
        // 700 tokens span several hashing chunks; compare with one-shot SHA-256 of the little-endian int32 bytes.
        var tokens = Enumerable.Range(0, 700).Select(i => i * 7919 - 350_000).ToArray();
        var bytes = new byte[tokens.Length * 4];
        for (int i = 0; i < tokens.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), tokens[i]);
        var hash = SHA256.HashData(bytes);
        var key = Key(tokens);
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(hash), key.TokenHashHigh);
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(hash.AsSpan(8)), key.TokenHashLow);
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(hash.AsSpan(16)), key.TokenHashRest);
        Assert.Equal(700, key.TokenCount);

        Assert.Equal(Key(1, 2, 3), Key(1, 2, 3));
        Assert.NotEqual(Key(1, 2, 3), Key(3, 2, 1));
        Assert.NotEqual(Key(1, 2, 3), Key(1, 2));
        Assert.NotEqual(Key(1, 2, 3), ActivationCacheKey.Create("google/gemma-2-9b", 20, Pooling.Last, [1, 2, 3]));
        Assert.NotEqual(Key(1, 2, 3), ActivationCacheKey.Create("google/gemma-2-2b", 12, Pooling.Last, [1, 2, 3]));
        Assert.NotEqual(Key(1, 2, 3), ActivationCacheKey.Create("google/gemma-2-2b", 20, Pooling.Mean, [1, 2, 3]));
    }

    [Fact]
    public void Hits_and_misses_are_counted()
    {
        var observer = new Counter();
        using var cache = new ActivationCache(1 << 20, observer);
        var stored = new float[] { 1, 2, 3 };
        Assert.False(cache.TryGet(Key(5), out _));
        Assert.True(cache.Set(Key(5), stored));
        Assert.True(cache.TryGet(Key(5), out var found));
        Assert.Equal(stored, found.ToArray());
        Assert.False(cache.TryGet(Key(6), out _));
        Assert.Equal((1, 2), (cache.Hits, cache.Misses));
        Assert.Equal((1, 2), (observer.Hits, observer.Misses));
        Assert.Equal(12, cache.CurrentBytes);
    }

    [Fact]
    public void The_size_limit_counts_bytes_and_is_never_exceeded()
    {
        const int floats = 256; // 1 KiB per entry
        using var cache = new ActivationCache(10 * 1024);
        Assert.False(cache.Set(Key(-1), new float[2561])); // larger than the whole cache
        for (int i = 0; i < 10; i++) Assert.True(cache.Set(Key(i), new float[floats]));
        Assert.Equal(10 * 1024, cache.CurrentBytes);
        Assert.Equal(10, cache.Count);
        for (int i = 10; i < 50; i++)
        {
            cache.Set(Key(i), new float[floats]);
            Assert.InRange(cache.CurrentBytes, 0, 10 * 1024);
        }
        // A compaction frees room at once, and puts fit again.
        cache.Compact(0.5);
        Assert.InRange(cache.CurrentBytes, 0, 5 * 1024);
        Assert.True(cache.Set(Key(100), new float[floats]));
        Assert.True(cache.TryGet(Key(100), out _));
    }

    [Fact]
    public async Task Removal_is_reported_to_the_observer()
    {
        var observer = new Counter();
        using var cache = new ActivationCache(1 << 20, observer);
        cache.Set(Key(1), new float[100]);
        cache.Remove(Key(1));
        Assert.False(cache.TryGet(Key(1), out _));
        // MemoryCache runs eviction callbacks on the thread pool.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (observer.Evictions.IsEmpty && DateTime.UtcNow < until) await Task.Delay(5);
        Assert.Equal([400L], observer.Evictions.ToArray());
    }
}
