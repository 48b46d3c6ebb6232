using ProbeMonitor.Monitor.Batching;
using ProbeMonitor.TestSupport;
using Xunit;
using static ProbeMonitor.TestSupport.TestTimeouts;

namespace ProbeMonitor.Monitor.Tests.Batching;

/// <summary>Batcher behaviour driven by a manual clock: nothing here depends on how fast the machine is.</summary>
public sealed class DynamicBatcherTests
{
    private static DynamicBatcher<int, string> Create(GatedHandler handler, DynamicBatcherOptions options, ManualTimeProvider clock, RecordingObserver? observer = null) =>
        new(handler.Handle, options, observer, clock);

    [Fact]
    public async Task Batches_close_at_the_item_count()
    {
        var clock = new ManualTimeProvider();
        var handler = new GatedHandler();
        await using var batcher = Create(handler, new DynamicBatcherOptions { MaxBatchSize = 4, MaxWait = TimeSpan.FromHours(1) }, clock);

        var tasks = Enumerable.Range(0, 10).Select(i => batcher.EnqueueAsync(i)).ToArray();
        await Task.WhenAll(tasks.Take(8)).WaitAsync(Generous);
        // The clock has not moved, so only full batches have run; the last two wait for more or for MaxWait.
        await clock.WaitForArmedTimersAsync(1);
        Assert.False(tasks[8].IsCompleted);
        clock.Advance(TimeSpan.FromHours(1));
        var results = await Task.WhenAll(tasks).WaitAsync(Generous);

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), results);
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], handler.Snapshot());
    }

    [Fact]
    public async Task Batches_close_at_the_token_budget_and_oversized_items_run_alone()
    {
        var clock = new ManualTimeProvider();
        var handler = new GatedHandler();
        var observer = new RecordingObserver();
        await using var batcher = Create(handler, new DynamicBatcherOptions { MaxBatchSize = 100, MaxBatchTokens = 10, MaxWait = TimeSpan.FromHours(1) }, clock, observer);

        long[] costs = [4, 4, 4, 12, 1];
        var tasks = costs.Select((c, i) => batcher.EnqueueAsync(i, c)).ToArray();
        await Task.WhenAll(tasks.Take(4)).WaitAsync(Generous);
        await clock.WaitForArmedTimersAsync(1);
        clock.Advance(TimeSpan.FromHours(1));
        await Task.WhenAll(tasks).WaitAsync(Generous);

        Assert.Equal([[0, 1], [2], [3], [4]], handler.Snapshot());
        Assert.Equal([(2, 8L), (1, 4L), (1, 12L), (1, 1L)], observer.Batches.ToArray());
    }

    [Fact]
    public async Task A_lone_item_waits_exactly_the_maximum_wait()
    {
        var clock = new ManualTimeProvider();
        var handler = new GatedHandler();
        await using var batcher = Create(handler, new DynamicBatcherOptions { MaxBatchSize = 8, MaxWait = TimeSpan.FromMilliseconds(5) }, clock);

        var task = batcher.EnqueueAsync(7);
        await clock.WaitForArmedTimersAsync(1);
        clock.Advance(TimeSpan.FromMilliseconds(4.9));
        Assert.Equal(1, clock.ArmedTimers); // still waiting: the timer has not fired
        Assert.False(task.IsCompleted);
        Assert.Empty(handler.Snapshot());
        clock.Advance(TimeSpan.FromMilliseconds(0.1));
        Assert.Equal("r7", await task.WaitAsync(Generous));
        Assert.Equal([[7]], handler.Snapshot());
    }

    [Fact]
    public async Task With_the_real_clock_a_lone_item_is_served_after_the_default_wait()
    {
        var handler = new GatedHandler();
        await using var batcher = new DynamicBatcher<int, string>(handler.Handle);
        Assert.Equal("r1", await batcher.EnqueueAsync(1).WaitAsync(Generous));
    }

    [Fact]
    public async Task Expired_and_cancelled_items_complete_at_once_and_are_never_processed()
    {
        var clock = new ManualTimeProvider();
        var handler = new GatedHandler();
        var observer = new RecordingObserver();
        await using var batcher = Create(handler, new DynamicBatcherOptions { MaxBatchSize = 1, MaxWait = TimeSpan.Zero }, clock, observer);

        handler.Close();
        var first = batcher.EnqueueAsync(1);
        await handler.Entered.WaitAsync(Generous); // the consumer is busy with item 1
        var deadline = clock.GetUtcNow() + TimeSpan.FromMilliseconds(10);
        var expiring = batcher.EnqueueAsync(2, deadline: deadline);
        using var cts = new CancellationTokenSource();
        var cancelled = batcher.EnqueueAsync(3, cancellationToken: cts.Token);
        var late = batcher.EnqueueAsync(4, deadline: clock.GetUtcNow()); // already due

        clock.Advance(TimeSpan.FromMilliseconds(20));
        var expired = await Assert.ThrowsAsync<DeadlineExceededException>(() => expiring.WaitAsync(Generous));
        Assert.Equal(deadline, expired.Deadline);
        await Assert.ThrowsAsync<DeadlineExceededException>(() => late);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Generous));
        Assert.Equal(2, batcher.QueueDepth); // dead items stay queued until the consumer reaches them

        handler.Open();
        Assert.Equal("r1", await first.WaitAsync(Generous));
        Assert.Equal("r5", await batcher.EnqueueAsync(5).WaitAsync(Generous));
        Assert.Equal([[1], [5]], handler.Snapshot());
        Assert.Equal(0, batcher.QueueDepth);
        Assert.Equal([BatchItemDrop.DeadlineExceeded, BatchItemDrop.DeadlineExceeded, BatchItemDrop.Canceled], observer.Drops.Order().ToArray());
    }

    [Fact]
    public async Task A_full_queue_fails_fast()
    {
        var clock = new ManualTimeProvider();
        var handler = new GatedHandler();
        var observer = new RecordingObserver();
        await using var batcher = Create(handler, new DynamicBatcherOptions { MaxBatchSize = 1, QueueCapacity = 2, MaxWait = TimeSpan.Zero }, clock, observer);

        handler.Close();
        var running = batcher.EnqueueAsync(1);
        await handler.Entered.WaitAsync(Generous);
        var queued = new[] { batcher.EnqueueAsync(2), batcher.EnqueueAsync(3) };
        var full = Assert.Throws<QueueFullException>(() => { _ = batcher.EnqueueAsync(4); });
        Assert.Equal(2, full.Capacity);
        Assert.Equal(2, batcher.QueueDepth);
        Assert.Contains(BatchItemDrop.QueueFull, observer.Drops);

        handler.Open();
        Assert.Equal(["r1", "r2", "r3"], await Task.WhenAll(queued.Prepend(running)).WaitAsync(Generous));
        Assert.Contains(2, observer.Depths);
        Assert.Equal(0, batcher.QueueDepth);
    }

    [Fact]
    public async Task Stopping_drains_queued_work_and_refuses_new_items()
    {
        var clock = new ManualTimeProvider();
        var handler = new GatedHandler();
        var batcher = Create(handler, new DynamicBatcherOptions { MaxBatchSize = 2, MaxWait = TimeSpan.FromHours(1) }, clock);

        handler.Close();
        var tasks = Enumerable.Range(0, 5).Select(i => batcher.EnqueueAsync(i)).ToArray();
        await handler.Entered.WaitAsync(Generous);
        var stopping = batcher.StopAsync();
        Assert.Throws<BatcherStoppedException>(() => { _ = batcher.EnqueueAsync(9); });
        Assert.False(stopping.IsCompleted);
        handler.Open();
        await stopping.WaitAsync(Generous);

        // Every queued item ran, the last one without waiting for the (never advancing) clock.
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"r{i}"), await Task.WhenAll(tasks));
        Assert.Equal(5, handler.Snapshot().Sum(b => b.Length));
        await batcher.DisposeAsync();
    }

    [Fact]
    public async Task A_cut_short_stop_cancels_the_handler_and_fails_the_rest()
    {
        var clock = new ManualTimeProvider();
        var handler = new GatedHandler();
        var observer = new RecordingObserver();
        var batcher = Create(handler, new DynamicBatcherOptions { MaxBatchSize = 1, MaxWait = TimeSpan.Zero }, clock, observer);

        handler.Close();
        var tasks = Enumerable.Range(0, 3).Select(i => batcher.EnqueueAsync(i)).ToArray();
        await handler.Entered.WaitAsync(Generous);
        await batcher.StopAsync(new CancellationToken(canceled: true)).WaitAsync(Generous);

        Assert.True(handler.LastToken.IsCancellationRequested);
        foreach (var t in tasks) await Assert.ThrowsAsync<BatcherStoppedException>(() => t);
        Assert.Equal([[0]], handler.Snapshot());
        Assert.Equal(3, observer.Drops.Count(d => d == BatchItemDrop.ShuttingDown));
    }

    [Fact]
    public async Task A_failing_handler_fails_only_its_batch()
    {
        var clock = new ManualTimeProvider();
        int calls = 0;
        await using var batcher = new DynamicBatcher<int, string>((items, _) =>
        {
            int call = Interlocked.Increment(ref calls);
            if (call == 1) throw new InvalidDataException("boom");
            if (call == 2) return Task.FromResult<IReadOnlyList<string>>(["only one"]);
            return Task.FromResult<IReadOnlyList<string>>(items.Select(i => $"ok{i}").ToList());
        }, new DynamicBatcherOptions { MaxBatchSize = 2, MaxWait = TimeSpan.FromHours(1) }, timeProvider: clock);

        var a = new[] { batcher.EnqueueAsync(1), batcher.EnqueueAsync(2) };
        foreach (var t in a) Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidDataException>(() => t.WaitAsync(Generous))).Message);
        var b = new[] { batcher.EnqueueAsync(3), batcher.EnqueueAsync(4) };
        foreach (var t in b) Assert.Contains("1 results for 2 items", (await Assert.ThrowsAsync<InvalidOperationException>(() => t.WaitAsync(Generous))).Message);
        var c = new[] { batcher.EnqueueAsync(5), batcher.EnqueueAsync(6) };
        Assert.Equal(["ok5", "ok6"], await Task.WhenAll(c).WaitAsync(Generous));
    }

    [Fact]
    public void Options_are_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicBatcherOptions { MaxBatchSize = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicBatcherOptions { MaxBatchTokens = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicBatcherOptions { QueueCapacity = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicBatcherOptions { MaxWait = TimeSpan.FromMilliseconds(-1) }.Validate());
    }
}
