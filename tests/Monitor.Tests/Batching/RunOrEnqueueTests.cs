using ProbeMonitor.Monitor.Batching;
using ProbeMonitor.TestSupport;
using Xunit;
using static ProbeMonitor.TestSupport.TestTimeouts;

namespace ProbeMonitor.Monitor.Tests.Batching;

/// <summary><see cref="DynamicBatcher{TItem, TResult}.RunOrEnqueueAsync"/>: a lone item on an idle greedy batcher runs on the
/// caller's thread; anything else queues and batches as before, and the handler never runs twice at once.</summary>
public sealed class RunOrEnqueueTests
{
    [Fact]
    public async Task An_idle_greedy_batcher_runs_the_item_on_the_callers_thread()
    {
        int? handlerThread = null;
        await using var batcher = new DynamicBatcher<int, string>((items, _) =>
        {
            handlerThread = Environment.CurrentManagedThreadId;
            return Task.FromResult<IReadOnlyList<string>>(items.Select(i => $"r{i}").ToArray());
        }, new DynamicBatcherOptions { MaxWait = TimeSpan.Zero });

        int caller = Environment.CurrentManagedThreadId;
        var task = batcher.RunOrEnqueueAsync(7);

        // The handler completed synchronously, so the call did too: no hop to the consumer and back.
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal("r7", await task);
        Assert.Equal(caller, handlerThread);
        Assert.Equal(0, batcher.QueueDepth);
    }

    [Fact]
    public async Task While_a_batch_runs_the_item_queues_and_joins_the_next_batch()
    {
        var clock = new ManualTimeProvider();
        var handler = new GatedHandler();
        var observer = new RecordingObserver();
        await using var batcher = new DynamicBatcher<int, string>(handler.Handle, new DynamicBatcherOptions { MaxBatchSize = 8, MaxWait = TimeSpan.Zero }, observer, clock);

        handler.Close();
        var first = batcher.EnqueueAsync(0);
        await handler.Entered.WaitAsync(Generous); // the consumer holds the handler
        var second = batcher.RunOrEnqueueAsync(1);
        var third = batcher.RunOrEnqueueAsync(2);
        Assert.False(second.IsCompleted);
        Assert.Equal(2, batcher.QueueDepth);
        handler.Open();

        Assert.Equal(["r0", "r1", "r2"], await Task.WhenAll(first, second, third).WaitAsync(Generous));
        Assert.Equal([[0], [1, 2]], handler.Snapshot());
    }

    [Fact]
    public async Task While_a_lone_item_runs_the_consumer_waits_for_it()
    {
        var handler = new GatedHandler();
        await using var batcher = new DynamicBatcher<int, string>(handler.Handle, new DynamicBatcherOptions { MaxBatchSize = 8, MaxWait = TimeSpan.Zero });

        handler.Close();
        var lone = batcher.RunOrEnqueueAsync(0); // runs on this thread and blocks in the handler's gate
        await handler.Entered.WaitAsync(Generous);
        var queued = new[] { batcher.EnqueueAsync(1), batcher.EnqueueAsync(2) };
        // Give the consumer every chance to (wrongly) start a second handler while the lone item holds it.
        await Task.Delay(100);
        Assert.Single(handler.Snapshot());
        handler.Open();

        Assert.Equal("r0", await lone.WaitAsync(Generous));
        Assert.Equal(["r1", "r2"], await Task.WhenAll(queued).WaitAsync(Generous));
        Assert.Equal([[0], [1, 2]], handler.Snapshot());
    }

    [Fact]
    public async Task A_batcher_that_waits_for_batches_to_fill_queues_instead()
    {
        var clock = new ManualTimeProvider();
        var handler = new GatedHandler();
        await using var batcher = new DynamicBatcher<int, string>(handler.Handle, new DynamicBatcherOptions { MaxBatchSize = 8, MaxWait = TimeSpan.FromMilliseconds(5) }, null, clock);

        var a = batcher.RunOrEnqueueAsync(0);
        var b = batcher.RunOrEnqueueAsync(1);
        await clock.WaitForArmedTimersAsync(1);
        Assert.False(a.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(5));

        Assert.Equal(["r0", "r1"], await Task.WhenAll(a, b).WaitAsync(Generous));
        Assert.Equal([[0, 1]], handler.Snapshot());
    }

    [Fact]
    public async Task A_lone_item_whose_handler_fails_fails_alone_and_the_batcher_goes_on()
    {
        int calls = 0;
        await using var batcher = new DynamicBatcher<int, string>((items, _) =>
            Interlocked.Increment(ref calls) == 1
                ? throw new InvalidOperationException("boom")
                : Task.FromResult<IReadOnlyList<string>>(items.Select(i => $"r{i}").ToArray()),
            new DynamicBatcherOptions { MaxWait = TimeSpan.Zero });

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.RunOrEnqueueAsync(1));
        Assert.Equal("boom", e.Message);
        Assert.Equal("r2", await batcher.RunOrEnqueueAsync(2).WaitAsync(Generous));
        Assert.Equal("r3", await batcher.EnqueueAsync(3).WaitAsync(Generous));
    }

    [Fact]
    public async Task A_stopping_batcher_refuses_lone_items_too()
    {
        var batcher = new DynamicBatcher<int, string>((items, _) => Task.FromResult<IReadOnlyList<string>>(items.Select(i => $"r{i}").ToArray()),
            new DynamicBatcherOptions { MaxWait = TimeSpan.Zero });
        await batcher.StopAsync();
        // Refused at once, as EnqueueAsync refuses: the exception comes from the call, not from its task.
        Assert.Throws<BatcherStoppedException>(() => { _ = batcher.RunOrEnqueueAsync(1); });
        await batcher.DisposeAsync();
    }
}
