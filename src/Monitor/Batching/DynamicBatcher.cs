using System.Threading.Channels;

namespace ProbeMonitor.Monitor.Batching;

/// <summary>
/// Groups concurrent requests into batches for one asynchronous handler: a bounded queue, a single consumer, and batches
/// closed by item count, token budget or a short maximum wait after their first item.
/// </summary>
/// <remarks>
/// <para>
/// A full queue refuses at once with <see cref="QueueFullException"/> rather than making callers wait: under overload,
/// shedding load early keeps latency bounded for the requests accepted. Each item may carry a deadline and a
/// cancellation token; when either fires while it waits, its task completes at once (with
/// <see cref="DeadlineExceededException"/> or as cancelled) and the consumer skips it. An item whose deadline fires
/// while its batch is already running still runs, but its caller has its answer.
/// </para>
/// <para>
/// A batch is closed when it holds <see cref="DynamicBatcherOptions.MaxBatchSize"/> items, when the next item would
/// take it over <see cref="DynamicBatcherOptions.MaxBatchTokens"/> (an item over the budget on its own runs alone), or
/// <see cref="DynamicBatcherOptions.MaxWait"/> after its first item was taken, whichever comes first. Items keep their
/// queue order. All time comes from the <see cref="TimeProvider"/>, so tests can drive it.
/// </para>
/// <para>
/// <see cref="StopAsync"/> refuses new items and lets the consumer drain what is queued, batch by batch, without
/// waiting for batches to fill. If its token fires first, the handler's token is cancelled and whatever has not run
/// fails with <see cref="BatcherStoppedException"/>. A handler that throws, or returns the wrong number of results,
/// fails the items of that batch only.
/// </para>
/// </remarks>
public sealed class DynamicBatcher<TItem, TResult> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _handler;
    private readonly DynamicBatcherOptions _options;
    private readonly IBatcherObserver _observer;
    private readonly TimeProvider _time;
    private readonly Channel<Pending> _channel;
    private readonly CancellationTokenSource _abort = new();
    // Held by whoever runs the handler: the consumer for a batch, or a caller of RunOrEnqueueAsync for its lone item. One
    // holder at a time keeps the handler single-threaded, as a single consumer alone would.
    private readonly SemaphoreSlim _worker = new(1, 1);
    private readonly Task _loop;
    private readonly Action _releaseSlot; // one delegate for every QueueSlot, not one per reservation on the request path
    private int _depth;
    private volatile bool _stopping;

    /// <summary>Starts a batcher whose consumer calls <paramref name="handler"/> with each batch; it must return one result per item, in order.</summary>
    public DynamicBatcher(
        Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> handler,
        DynamicBatcherOptions? options = null,
        IBatcherObserver? observer = null,
        TimeProvider? timeProvider = null)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _options = options ?? new DynamicBatcherOptions();
        _options.Validate();
        _observer = observer ?? NullBatcherObserver.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _channel = Channel.CreateBounded<Pending>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _releaseSlot = () => _observer.QueueDepthChanged(Interlocked.Decrement(ref _depth));
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Items waiting in the queue (including ones cancelled or expired that the consumer has not reached yet).</summary>
    public int QueueDepth => Volatile.Read(ref _depth);

    /// <summary>Whether an item queued now would be refused with <see cref="QueueFullException"/> (a snapshot: it may change at once).</summary>
    public bool IsFull => Volatile.Read(ref _depth) >= _options.QueueCapacity;

    /// <summary>Holds a place in the queue for an item to come, or returns null when the queue is full or the batcher is
    /// stopping; the place counts in <see cref="QueueDepth"/> until an item is queued into it or it is disposed.</summary>
    public QueueSlot? TryReserve()
    {
        if (_stopping) return null;
        if (Interlocked.Increment(ref _depth) > _options.QueueCapacity)
        {
            Interlocked.Decrement(ref _depth);
            return null;
        }
        return new QueueSlot(this, _releaseSlot);
    }

    /// <summary>How many items the queue holds at most.</summary>
    public int Capacity => _options.QueueCapacity;

    /// <summary>Queues <paramref name="item"/> and returns its result once its batch has run.</summary>
    /// <param name="item">The work item.</param>
    /// <param name="tokenCost">What the item counts against <see cref="DynamicBatcherOptions.MaxBatchTokens"/>.</param>
    /// <param name="deadline">When the caller stops caring; a passed deadline fails the item with <see cref="DeadlineExceededException"/>.</param>
    /// <param name="cancellationToken">Cancels the item while it waits.</param>
    /// <exception cref="QueueFullException">The queue is full (thrown at once).</exception>
    /// <exception cref="BatcherStoppedException">The batcher is stopping (thrown at once).</exception>
    /// <param name="slot">A place reserved with <see cref="TryReserve"/>: the item takes it, and cannot be refused for a full queue.</param>
    public Task<TResult> EnqueueAsync(TItem item, long tokenCost = 1, DateTimeOffset? deadline = null, CancellationToken cancellationToken = default,
        QueueSlot? slot = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenCost);
        if (slot is not null && !ReferenceEquals(slot.Owner, this)) throw new ArgumentException("The slot was reserved in another batcher.", nameof(slot));
        if (_stopping) throw Stopped();
        if (cancellationToken.IsCancellationRequested)
        {
            _observer.ItemDropped(BatchItemDrop.Canceled);
            return Task.FromCanceled<TResult>(cancellationToken);
        }
        if (deadline is { } due && _time.GetUtcNow() >= due)
        {
            _observer.ItemDropped(BatchItemDrop.DeadlineExceeded);
            return Task.FromException<TResult>(new DeadlineExceededException(due));
        }

        var pending = new Pending(item, tokenCost, deadline, this, cancellationToken);
        // Counted before the write so the consumer, which decrements after reading, never sees the depth go negative. The
        // depth, reserved places included, is what the capacity limits; the channel's own bound is only a backstop.
        // A reserved item is already counted, and others' counting around it must not refuse it.
        bool reserved = slot is not null && slot.TryTake();
        int depth = reserved ? Volatile.Read(ref _depth) : Interlocked.Increment(ref _depth);
        if (!reserved && depth > _options.QueueCapacity || !_channel.Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _depth);
            pending.Release();
            if (_stopping) throw Stopped();
            _observer.ItemDropped(BatchItemDrop.QueueFull);
            throw new QueueFullException(_options.QueueCapacity);
        }
        _observer.QueueDepthChanged(depth);
        return pending.Completion.Task;
    }

    /// <summary>Runs <paramref name="item"/> at once, on the calling thread, as a batch of one when nothing is queued or running
    /// and batches do not wait (<see cref="DynamicBatcherOptions.MaxWait"/> zero); otherwise queues it as
    /// <see cref="EnqueueAsync"/> does.</summary>
    /// <remarks>For a caller that waits for its answer before sending more (a unary call): when the batcher is idle there is
    /// nothing to batch with, and handing the item to the consumer would only add two thread hops, each a wake-up of a
    /// sleeping thread that costs far more than scoring pooled activations. A caller that goes on producing while it waits
    /// (a pipelined stream) must use <see cref="EnqueueAsync"/>, or it would score its items one by one and never batch.</remarks>
    /// <param name="slot">A place reserved with <see cref="TryReserve"/> (it counts as the only item when the batcher is
    /// otherwise idle); the item takes it if queued, and the caller disposes it either way.</param>
    public Task<TResult> RunOrEnqueueAsync(TItem item, long tokenCost = 1, DateTimeOffset? deadline = null, CancellationToken cancellationToken = default,
        QueueSlot? slot = null)
    {
        int alone = slot is { IsHeld: true } ? 1 : 0;
        if (_options.MaxWait != TimeSpan.Zero || _stopping || Volatile.Read(ref _depth) != alone || cancellationToken.IsCancellationRequested
            || deadline is { } due && _time.GetUtcNow() >= due || !_worker.Wait(0))
            return EnqueueAsync(item, tokenCost, deadline, cancellationToken, slot);
        if (Volatile.Read(ref _depth) != alone || _stopping)
        {
            // Someone queued between the check and taking the worker: they were first.
            _worker.Release();
            return EnqueueAsync(item, tokenCost, deadline, cancellationToken, slot);
        }
        slot?.Dispose(); // running, not queued: the place goes back, as an item taken by the consumer gives back its own
        return RunLoneAsync(item, tokenCost);
    }

    private async Task<TResult> RunLoneAsync(TItem item, long tokenCost)
    {
        try
        {
            _observer.BatchDispatched(1, tokenCost);
            var results = await _handler([item], _abort.Token).ConfigureAwait(false);
            if (results is null || results.Count != 1)
                throw new InvalidOperationException($"The batch handler returned {results?.Count.ToString() ?? "null"} results for 1 item.");
            return results[0];
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            throw Stopped();
        }
        finally
        {
            _worker.Release();
        }
    }

    /// <summary>Refuses new items, runs everything queued, and completes when the consumer has finished.</summary>
    /// <param name="cancellationToken">Cuts the drain short: the running batch's handler is cancelled and the rest fail.</param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        _stopping = true;
        _channel.Writer.TryComplete();
        using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abort))
            await _loop.ConfigureAwait(false);
    }

    /// <summary>Stops gracefully (see <see cref="StopAsync"/>) and releases the batcher's resources.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        // A lone item may still be running on its caller's thread; it holds the worker until it ends.
        await _worker.WaitAsync().ConfigureAwait(false);
        _worker.Release();
        _abort.Dispose();
    }

    private BatcherStoppedException Stopped()
    {
        _observer.ItemDropped(BatchItemDrop.ShuttingDown);
        return new BatcherStoppedException();
    }

    private async Task RunAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<Pending>(_options.MaxBatchSize);
        try
        {
            while (await reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                _abort.Token.ThrowIfCancellationRequested();
                await _worker.WaitAsync(_abort.Token).ConfigureAwait(false);
                try
                {
                    await TakeAndRunBatchAsync(reader, batch).ConfigureAwait(false);
                }
                finally
                {
                    _worker.Release();
                }
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            foreach (var p in batch) p.Fail(new BatcherStoppedException());
        }
        finally
        {
            while (reader.TryRead(out var left))
            {
                _observer.QueueDepthChanged(Interlocked.Decrement(ref _depth));
                left.Fail(new BatcherStoppedException());
            }
        }
    }

    /// <summary>Takes the next batch from the queue, waiting up to <see cref="DynamicBatcherOptions.MaxWait"/> for it to fill, and runs it.</summary>
    private async Task TakeAndRunBatchAsync(ChannelReader<Pending> reader, List<Pending> batch)
    {
        if (!TryTakeLive(reader, out var first)) return;
        batch.Clear();
        batch.Add(first);
        long tokens = first.Cost;
        long started = _time.GetTimestamp();
        while (batch.Count < _options.MaxBatchSize)
        {
            if (reader.TryPeek(out var next))
            {
                if (!next.IsWaiting || tokens + next.Cost <= _options.MaxBatchTokens)
                {
                    if (TryTakeLive(reader, out var taken))
                    {
                        batch.Add(taken);
                        tokens += taken.Cost;
                    }
                    continue;
                }
                break; // over budget: it opens the next batch
            }
            if (_stopping) break; // draining: run what is there
            var remaining = _options.MaxWait - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero || !await WaitForMoreAsync(reader, remaining).ConfigureAwait(false)) break;
        }
        await DispatchAsync(batch, tokens).ConfigureAwait(false);
    }

    /// <summary>Takes the next item; false (and the item is finished) when it was cancelled, expired, or already done.</summary>
    private bool TryTakeLive(ChannelReader<Pending> reader, out Pending pending)
    {
        if (!reader.TryRead(out pending!)) return false;
        _observer.QueueDepthChanged(Interlocked.Decrement(ref _depth));
        if (!pending.IsWaiting)
        {
            pending.Release();
            return false;
        }
        if (pending.Deadline is { } due && _time.GetUtcNow() >= due)
        {
            pending.Expire();
            return false;
        }
        if (pending.CancellationToken.IsCancellationRequested)
        {
            pending.Cancel();
            return false;
        }
        return true;
    }

    private async Task<bool> WaitForMoreAsync(ChannelReader<Pending> reader, TimeSpan remaining)
    {
        using var timeout = new CancellationTokenSource(remaining, _time);
        using var abort = _abort.Token.Register(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            _abort.Token.ThrowIfCancellationRequested();
            return false;
        }
    }

    private async Task DispatchAsync(List<Pending> batch, long tokens)
    {
        _observer.BatchDispatched(batch.Count, tokens);
        var items = new TItem[batch.Count];
        for (int i = 0; i < items.Length; i++) items[i] = batch[i].Item;
        try
        {
            var results = await _handler(items, _abort.Token).ConfigureAwait(false);
            if (results is null || results.Count != items.Length)
                throw new InvalidOperationException($"The batch handler returned {results?.Count.ToString() ?? "null"} results for {items.Length} items.");
            for (int i = 0; i < batch.Count; i++) batch[i].Succeed(results[i]);
        }
        catch (Exception e)
        {
            var error = e is OperationCanceledException && _abort.IsCancellationRequested ? new BatcherStoppedException() : e;
            foreach (var p in batch) p.Fail(error);
        }
        finally
        {
            batch.Clear();
        }
    }

    /// <summary>A queued item, its caller's task and the registrations that can finish it early.</summary>
    private sealed class Pending
    {
        private readonly DynamicBatcher<TItem, TResult> _owner;
        private readonly CancellationTokenRegistration _cancellation;
        private readonly ITimer? _deadlineTimer;

        public Pending(TItem item, long cost, DateTimeOffset? deadline, DynamicBatcher<TItem, TResult> owner, CancellationToken cancellationToken)
        {
            Item = item;
            Cost = cost;
            Deadline = deadline;
            CancellationToken = cancellationToken;
            _owner = owner;
            if (deadline is { } due)
            {
                var left = due - owner._time.GetUtcNow();
                _deadlineTimer = owner._time.CreateTimer(static s => ((Pending)s!).Expire(), this, left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }
            if (cancellationToken.CanBeCanceled)
                _cancellation = cancellationToken.Register(static s => ((Pending)s!).Cancel(), this);
        }

        public TItem Item { get; }

        public long Cost { get; }

        public DateTimeOffset? Deadline { get; }

        public CancellationToken CancellationToken { get; }

        public TaskCompletionSource<TResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsWaiting => !Completion.Task.IsCompleted;

        public void Expire()
        {
            if (Completion.TrySetException(new DeadlineExceededException(Deadline!.Value))) _owner._observer.ItemDropped(BatchItemDrop.DeadlineExceeded);
            Release();
        }

        public void Cancel()
        {
            if (Completion.TrySetCanceled(CancellationToken)) _owner._observer.ItemDropped(BatchItemDrop.Canceled);
            Release();
        }

        public void Succeed(TResult result)
        {
            Completion.TrySetResult(result);
            Release();
        }

        public void Fail(Exception error)
        {
            if (Completion.TrySetException(error) && error is BatcherStoppedException) _owner._observer.ItemDropped(BatchItemDrop.ShuttingDown);
            Release();
        }

        public void Release()
        {
            _deadlineTimer?.Dispose();
            _cancellation.Dispose();
        }
    }
}
