using System.Buffers;
using System.Runtime.ExceptionServices;
using ProbeMonitor.Monitor.Batching;
using ProbeMonitor.Monitor.Metrics;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>Scores pooled activations through a <see cref="DynamicBatcher{TItem, TResult}"/>: concurrent requests share one
/// GEMM per probe, and every score is counted in the metrics.</summary>
/// <remarks>
/// <para>
/// A batch may mix requests that selected different probes, asked for explanations or carry different poolings, so the
/// handler scores it in groups of requests that agree on those (usually one group: every probe, same pooling). Requests
/// are checked against the probe set before they queue (<see cref="Check"/>), so a bad request fails alone and at once.
/// A reload between the check and the batch can still make a group unscorable; the group is then scored request by
/// request, so only the requests that no longer fit fail.
/// </para>
/// <para>Stopping drains the queue: requests accepted before <see cref="StopAsync"/> are scored.</para>
/// </remarks>
public sealed class ScoringQueue : IAsyncDisposable, IDisposable
{
    private readonly ProbeRegistry _registry;
    private readonly ProbeScorer _scorer;
    private readonly MonitorMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly DynamicBatcher<Work, Outcome> _batcher;

    /// <summary>A queue scoring with <paramref name="scorer"/> against <paramref name="registry"/>'s current set.</summary>
    public ScoringQueue(ProbeRegistry registry, ProbeScorer scorer, DynamicBatcherOptions options, IBatcherObserver? observer = null,
        MonitorMetrics? metrics = null, TimeProvider? timeProvider = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _scorer = scorer ?? throw new ArgumentNullException(nameof(scorer));
        _metrics = metrics;
        _time = timeProvider ?? TimeProvider.System;
        _batcher = new DynamicBatcher<Work, Outcome>(HandleAsync, options, observer, _time);
    }

    /// <summary>Requests waiting.</summary>
    public int QueueDepth => _batcher.QueueDepth;

    /// <summary>Whether a request queued now would be refused (a snapshot).</summary>
    public bool IsFull => _batcher.IsFull;

    /// <summary>How many requests the queue holds at most.</summary>
    public int Capacity => _batcher.Capacity;

    /// <summary>Holds a place in the queue for a request whose activations are still to come; null when full.</summary>
    public QueueSlot? TryReserve() => _batcher.TryReserve();

    /// <summary>The probes <paramref name="probeIds"/> selects from the set being served, checked against <paramref name="activations"/>.</summary>
    /// <exception cref="NoProbesLoadedException">No probe is loaded.</exception>
    /// <exception cref="UnknownProbeException">A requested probe is not loaded.</exception>
    /// <exception cref="InvalidActivationsException">The activations do not fit a selected probe (width, layer, pooling).</exception>
    public IReadOnlyList<LoadedProbe> Check(PooledActivations activations, IReadOnlyList<string>? probeIds)
    {
        ArgumentNullException.ThrowIfNull(activations);
        var probes = Select(probeIds);
        foreach (var p in probes)
        {
            if (activations.Dim != p.Model.DModel)
                throw new InvalidActivationsException(
                    $"Probe '{p.Id}' reads d_model {p.Model.DModel} activations but the request's vectors hold {activations.Dim} values (expected {p.Model.DModel}, got {activations.Dim}).");
            if (activations.Layer is { } layer && layer != p.Model.Layer)
                throw new InvalidActivationsException(
                    $"Probe '{p.Id}' reads layer {p.Model.Layer} ({p.Model.HookName}) but the activations come from layer {layer}.");
            if (!activations.Serves(p.Model.Pooling))
                throw new InvalidActivationsException(
                    $"Probe '{p.Id}' reads {p.Model.Pooling.ToString().ToUpperInvariant()}-pooled activations but the request's are {activations.DescribePooling()}; pool them {p.Model.Pooling.ToString().ToUpperInvariant()} or send pooling NONE.");
        }
        return probes;
    }

    /// <summary>The probes <paramref name="probeIds"/> selects (all when empty) from the set being served.</summary>
    /// <exception cref="NoProbesLoadedException">No probe is loaded.</exception>
    /// <exception cref="UnknownProbeException">A requested probe is not loaded.</exception>
    public IReadOnlyList<LoadedProbe> Select(IReadOnlyList<string>? probeIds)
    {
        var set = _registry.Current;
        if (set.Count == 0) throw new NoProbesLoadedException(_registry.Directory);
        return set.Select(probeIds);
    }

    /// <summary>Queues one request and returns its scores once its batch has run.</summary>
    /// <exception cref="QueueFullException">The queue is full (thrown at once).</exception>
    /// <exception cref="BatcherStoppedException">The queue is shutting down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while the request waited.</exception>
    /// <param name="activations">The request's pooled activations.</param>
    /// <param name="options">Which probes, and whether to explain.</param>
    /// <param name="cancellationToken">Cancels the request while it waits.</param>
    /// <param name="runNowIfIdle">Score at once on this thread when nothing is queued or being scored (see
    /// <see cref="DynamicBatcher{TItem, TResult}.RunOrEnqueueAsync"/>): for callers that wait for the answer before sending
    /// more, not for a stream that keeps reading while earlier requests are scored.</param>
    public async Task<ScoredRequest> ScoreAsync(PooledActivations activations, ScoreOptions options, CancellationToken cancellationToken = default,
        bool runNowIfIdle = false, QueueSlot? slot = null)
    {
        ArgumentNullException.ThrowIfNull(activations);
        ArgumentNullException.ThrowIfNull(options);
        var work = new Work(activations, options, SelectionKey(options.ProbeIds), _time.GetTimestamp());
        var outcome = await (runNowIfIdle
            ? _batcher.RunOrEnqueueAsync(work, 1, null, cancellationToken, slot)
            : _batcher.EnqueueAsync(work, 1, null, cancellationToken, slot)).ConfigureAwait(false);
        if (outcome.Error is not null) ExceptionDispatchInfo.Throw(outcome.Error);
        return outcome.Scored!;
    }

    /// <summary>Refuses new requests and scores the ones queued; <paramref name="cancellationToken"/> cuts the drain short.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _batcher.StopAsync(cancellationToken);

    /// <summary>Stops as <see cref="StopAsync"/> does, blocking until the queue has drained (for containers disposed synchronously).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _batcher.DisposeAsync();

    private Task<IReadOnlyList<Outcome>> HandleAsync(IReadOnlyList<Work> items, CancellationToken cancellationToken)
    {
        long started = _time.GetTimestamp();
        var results = new GroupResult[items.Count];
        if (AllAlike(items))
        {
            ScoreGroup(items, null, results);
        }
        else
        {
            var groups = new Dictionary<(string, bool, int, int, int?), List<int>>();
            for (int i = 0; i < items.Count; i++)
            {
                var w = items[i];
                var key = (w.SelectionKey, w.Options.Explain, w.Activations.Signature, w.Activations.Dim, w.Activations.Layer);
                if (!groups.TryGetValue(key, out var members)) groups[key] = members = [];
                members.Add(i);
            }
            foreach (var members in groups.Values) ScoreGroup(items, members, results);
        }
        var elapsed = _time.GetElapsedTime(started);
        _metrics?.RecordScoring(elapsed.TotalSeconds);
        // Each request's result is built once, with the batch's timings, rather than copied record by record.
        var outcomes = new Outcome[items.Count];
        for (int i = 0; i < outcomes.Length; i++)
            outcomes[i] = results[i].Scores is { } scores
                ? new Outcome(new ScoredRequest(scores, _time.GetElapsedTime(items[i].EnqueuedAt, started), elapsed, items.Count), null)
                : new Outcome(null, results[i].Error);
        return Task.FromResult<IReadOnlyList<Outcome>>(outcomes);
    }

    private static bool AllAlike(IReadOnlyList<Work> items)
    {
        var first = items[0];
        for (int i = 1; i < items.Count; i++)
        {
            var w = items[i];
            if (w.SelectionKey != first.SelectionKey || w.Options.Explain != first.Options.Explain || w.Activations.Signature != first.Activations.Signature
                || w.Activations.Dim != first.Activations.Dim || w.Activations.Layer != first.Activations.Layer)
                return false;
        }
        return true;
    }

    /// <summary>Scores the items at <paramref name="members"/> (all when null) as one batch, or one by one if the batch fails.</summary>
    private void ScoreGroup(IReadOnlyList<Work> items, List<int>? members, GroupResult[] results)
    {
        int n = members?.Count ?? items.Count;
        Work At(int r) => items[members is null ? r : members[r]];
        int Index(int r) => members is null ? r : members[r];

        var first = At(0);
        int d = first.Activations.Dim;
        var rented = new List<float[]>();
        try
        {
            PooledBatch batch;
            if (first.Activations.Any is not null)
            {
                batch = PooledBatch.AnyPooling(Gather(n, d, r => At(r).Activations.Any!, rented), n, d, first.Activations.Layer);
            }
            else
            {
                var byPooling = new Dictionary<Probes.Bundles.Pooling, ReadOnlyMemory<float>>();
                foreach (var pooling in first.Activations.ByPooling.Keys)
                    byPooling[pooling] = Gather(n, d, r => At(r).Activations.ByPooling[pooling], rented);
                batch = new PooledBatch(n, d, byPooling, first.Activations.Layer);
            }
            var scores = _scorer.Score(batch, first.Options);
            for (int r = 0; r < n; r++)
            {
                Record(scores.Requests[r]);
                results[Index(r)] = new GroupResult(scores.Requests[r], null);
            }
        }
        catch (Exception e) when (n > 1 && e is InvalidActivationsException or UnknownProbeException)
        {
            for (int r = 0; r < n; r++) ScoreGroup(items, [Index(r)], results);
        }
        catch (Exception e) when (e is InvalidActivationsException or UnknownProbeException or ArgumentException)
        {
            for (int r = 0; r < n; r++) results[Index(r)] = new GroupResult(null, e);
        }
        finally
        {
            foreach (var a in rented) ArrayPool<float>.Shared.Return(a);
        }
    }

    private static ReadOnlyMemory<float> Gather(int n, int d, Func<int, float[]> row, List<float[]> rented)
    {
        var buffer = ArrayPool<float>.Shared.Rent(n * d);
        rented.Add(buffer);
        for (int r = 0; r < n; r++) row(r).AsSpan(0, d).CopyTo(buffer.AsSpan(r * d, d));
        return new ReadOnlyMemory<float>(buffer, 0, n * d);
    }

    private void Record(RequestScores scores)
    {
        if (_metrics is null) return;
        var all = scores.Scores;
        for (int i = 0; i < all.Count; i++) _metrics.RecordProbeScore(all[i].ProbeId, all[i].Probability, all[i].Decision);
    }

    private static string SelectionKey(IReadOnlyList<string>? probeIds) =>
        probeIds is null || probeIds.Count == 0 ? "" : string.Join('\n', probeIds);

    /// <summary>A queued request.</summary>
    private sealed record Work(PooledActivations Activations, ScoreOptions Options, string SelectionKey, long EnqueuedAt);

    /// <summary>A request's scores or error within its batch, before the batch's timings are known.</summary>
    private readonly record struct GroupResult(RequestScores? Scores, Exception? Error);

    /// <summary>What became of a queued request: its scores or the error that stopped them.</summary>
    private sealed record Outcome(ScoredRequest? Scored, Exception? Error);
}
