using System.Runtime.ExceptionServices;
using ProbeMonitor.Monitor.Batching;
using ProbeMonitor.Monitor.Caching;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Inference;

/// <summary>Token ids → pooled activations: the activation cache first, then batched forward passes of the registered <see cref="IActivationSource"/>.</summary>
/// <remarks>
/// Sequences are batched by a <see cref="DynamicBatcher{TItem, TResult}"/> whose cost is the token count, so a batch stays
/// within the token budget. The handler groups a batch by (layer, poolings) and makes one <see cref="IActivationSource.ForwardAsync"/>
/// call per group. Results are cached per (model, layer, pooling, token ids); a request whose poolings are all cached
/// skips the queue. Without a source every call fails with <see cref="ModelNotLoadedException"/>.
/// </remarks>
public sealed class ForwardQueue : IAsyncDisposable, IDisposable
{
    private readonly IActivationSource? _source;
    private readonly string? _modelDir;
    private readonly ActivationCache? _cache;
    private readonly MonitorMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly DynamicBatcher<Work, Outcome>? _batcher;

    /// <summary>A queue over <paramref name="source"/> (null when no model is loaded; <paramref name="modelDir"/> then says whether one was asked for).</summary>
    public ForwardQueue(IActivationSource? source, string? modelDir, ActivationCache? cache, DynamicBatcherOptions options,
        IBatcherObserver? observer = null, MonitorMetrics? metrics = null, TimeProvider? timeProvider = null)
    {
        _source = source;
        _modelDir = modelDir;
        _cache = cache;
        _metrics = metrics;
        _time = timeProvider ?? TimeProvider.System;
        if (source is not null) _batcher = new DynamicBatcher<Work, Outcome>(HandleAsync, options, observer, _time);
    }

    /// <summary>Whether a forward pass queued now would be refused (a snapshot); false when no model is loaded.</summary>
    public bool IsFull => _batcher?.IsFull ?? false;

    /// <summary>The model, or null when none is loaded.</summary>
    public IActivationSource? Source => _source;

    /// <summary>The model, or the reason there is none.</summary>
    /// <exception cref="ModelNotLoadedException">No model is loaded.</exception>
    public IActivationSource RequireSource() =>
        _source ?? throw (_modelDir is null ? ModelNotLoadedException.NotConfigured() : ModelNotLoadedException.NoEngine(_modelDir));

    /// <summary>The activations of <paramref name="tokenIds"/> at <paramref name="layer"/>, pooled each way in <paramref name="poolings"/>.</summary>
    /// <exception cref="ModelNotLoadedException">No model is loaded.</exception>
    /// <exception cref="QueueFullException">The forward queue is full.</exception>
    public async Task<PooledForward> PoolAsync(int[] tokenIds, int layer, IReadOnlyList<Pooling> poolings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokenIds);
        ArgumentNullException.ThrowIfNull(poolings);
        var source = RequireSource();
        if (tokenIds.Length == 0) throw new InvalidActivationsException("The token ids are empty; at least one token is needed.");
        if (poolings.Count == 0) throw new ArgumentException("at least one pooling is needed.", nameof(poolings));

        var cached = new Dictionary<Pooling, float[]>();
        if (_cache is not null)
            foreach (var pooling in poolings)
                if (_cache.TryGet(ActivationCacheKey.Create(source.ModelId, layer, pooling, tokenIds), out var hit))
                    cached[pooling] = hit.ToArray(); // a copy: the cache owns its arrays, and a copy is cheap beside a forward pass
        if (cached.Count == poolings.Count)
            return new PooledForward(PooledActivations.Pooled(source.DModel, layer, cached), TimeSpan.Zero, TimeSpan.Zero, true);

        var work = new Work(tokenIds, layer, poolings.Distinct().Order().ToArray(), _time.GetTimestamp());
        var outcome = await _batcher!.EnqueueAsync(work, tokenIds.Length, null, cancellationToken).ConfigureAwait(false);
        if (outcome.Error is not null) ExceptionDispatchInfo.Throw(outcome.Error);
        var pooled = outcome.Pooled!;
        if (_cache is not null)
            foreach (var (pooling, vector) in pooled)
                _cache.Set(ActivationCacheKey.Create(source.ModelId, layer, pooling, tokenIds), vector);
        return new PooledForward(PooledActivations.Pooled(source.DModel, layer, pooled), outcome.Queued, outcome.Forward, false);
    }

    /// <summary>Refuses new sequences and runs the queued ones.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _batcher?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Stops as <see cref="StopAsync"/> does, blocking until the queue has drained (for containers disposed synchronously).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _batcher?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task<IReadOnlyList<Outcome>> HandleAsync(IReadOnlyList<Work> items, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        var outcomes = new Outcome[items.Count];
        foreach (var group in Enumerable.Range(0, items.Count).GroupBy(i => (items[i].Layer, string.Join(',', items[i].Poolings))))
        {
            var members = group.ToList();
            var first = items[members[0]];
            long forwardStart = _time.GetTimestamp();
            try
            {
                var result = await _source!.ForwardAsync(new ForwardBatch(members.Select(i => items[i].TokenIds).ToList(), first.Layer, first.Poolings), cancellationToken)
                    .ConfigureAwait(false);
                var forward = _time.GetElapsedTime(forwardStart);
                _metrics?.RecordForward(forward.TotalSeconds);
                int d = _source.DModel;
                for (int r = 0; r < members.Count; r++)
                {
                    var pooled = new Dictionary<Pooling, float[]>();
                    foreach (var pooling in first.Poolings)
                    {
                        if (!result.Pooled.TryGetValue(pooling, out var all) || all.Length != members.Count * d)
                            throw new InvalidOperationException(
                                $"The activation source returned {(all is null ? "no" : all.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))} {pooling} values for {members.Count} sequences of d_model {d}.");
                        pooled[pooling] = all.AsSpan(r * d, d).ToArray();
                    }
                    var w = items[members[r]];
                    outcomes[members[r]] = new Outcome(pooled, _time.GetElapsedTime(w.EnqueuedAt, started), forward, null);
                }
            }
            catch (ArgumentException) when (members.Count > 1)
            {
                // One bad sequence (an id outside the vocabulary, too long) must not fail its batch-mates: run them alone.
                foreach (var i in members)
                {
                    try
                    {
                        var single = await _source!.ForwardAsync(new ForwardBatch([items[i].TokenIds], first.Layer, first.Poolings), cancellationToken).ConfigureAwait(false);
                        outcomes[i] = new Outcome(first.Poolings.ToDictionary(p => p, p => single.Pooled[p]), _time.GetElapsedTime(items[i].EnqueuedAt, started),
                            _time.GetElapsedTime(forwardStart), null);
                    }
                    catch (ArgumentException one)
                    {
                        outcomes[i] = new Outcome(null, TimeSpan.Zero, TimeSpan.Zero, new InvalidActivationsException(one.Message));
                    }
                }
            }
            catch (ArgumentException e)
            {
                outcomes[members[0]] = new Outcome(null, TimeSpan.Zero, TimeSpan.Zero, new InvalidActivationsException(e.Message));
            }
        }
        return outcomes;
    }

    /// <summary>A queued sequence.</summary>
    private sealed record Work(int[] TokenIds, int Layer, Pooling[] Poolings, long EnqueuedAt);

    /// <summary>Its pooled vectors, or the error that stopped them.</summary>
    private sealed record Outcome(Dictionary<Pooling, float[]>? Pooled, TimeSpan Queued, TimeSpan Forward, Exception? Error);
}
