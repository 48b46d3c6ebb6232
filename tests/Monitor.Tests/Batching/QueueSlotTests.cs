using ProbeMonitor.Monitor.Batching;
using Xunit;
using static ProbeMonitor.TestSupport.TestTimeouts;

namespace ProbeMonitor.Monitor.Tests.Batching;

/// <summary><see cref="DynamicBatcher{TItem, TResult}.TryReserve"/>: a place held for an item still to come counts against the
/// capacity, an item queued into it cannot be refused, and a place no item took goes back when disposed.</summary>
public sealed class QueueSlotTests
{
    private static DynamicBatcher<int, string> Held(GatedHandler handler, int capacity) =>
        new(handler.Handle, new DynamicBatcherOptions { MaxBatchSize = 8, MaxWait = TimeSpan.Zero, QueueCapacity = capacity });

    [Fact]
    public async Task Reserved_places_count_against_the_capacity_and_their_items_are_never_refused()
    {
        var handler = new GatedHandler();
        await using var batcher = Held(handler, capacity: 2);
        handler.Close();
        var running = batcher.EnqueueAsync(0);
        await handler.Entered.WaitAsync(Generous); // taken by the consumer: no longer in the queue

        using var a = batcher.TryReserve();
        using var b = batcher.TryReserve();
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Equal(2, batcher.QueueDepth);
        Assert.True(batcher.IsFull);
        Assert.Null(batcher.TryReserve());
        Assert.Throws<QueueFullException>(() => { _ = batcher.EnqueueAsync(9); });

        var first = batcher.EnqueueAsync(1, slot: a);
        var second = batcher.RunOrEnqueueAsync(2, slot: b); // not idle: it queues into its place
        Assert.False(a!.IsHeld);
        Assert.False(b!.IsHeld);
        Assert.Equal(2, batcher.QueueDepth);
        Assert.Throws<QueueFullException>(() => { _ = batcher.EnqueueAsync(9); });

        handler.Open();
        Assert.Equal(["r0", "r1", "r2"], await Task.WhenAll(running, first, second).WaitAsync(Generous));
        Assert.Equal(0, batcher.QueueDepth);
    }

    [Fact]
    public async Task A_place_no_item_took_goes_back_on_dispose_and_a_used_one_is_not_given_back_twice()
    {
        var handler = new GatedHandler();
        await using var batcher = Held(handler, capacity: 1);
        var unused = batcher.TryReserve()!;
        Assert.Equal(1, batcher.QueueDepth);
        unused.Dispose();
        unused.Dispose();
        Assert.Equal(0, batcher.QueueDepth);

        handler.Close();
        var running = batcher.EnqueueAsync(0);
        await handler.Entered.WaitAsync(Generous);
        var used = batcher.TryReserve()!;
        var queued = batcher.EnqueueAsync(1, slot: used);
        used.Dispose(); // the item holds the place now
        Assert.Equal(1, batcher.QueueDepth);
        Assert.Null(batcher.TryReserve());

        handler.Open();
        Assert.Equal(["r0", "r1"], await Task.WhenAll(running, queued).WaitAsync(Generous));
        Assert.Equal(0, batcher.QueueDepth);
    }

    [Fact]
    public async Task On_an_idle_batcher_the_reserved_item_runs_on_the_callers_thread_and_its_place_goes_back()
    {
        await using var batcher = new DynamicBatcher<int, string>(
            (items, _) => Task.FromResult<IReadOnlyList<string>>(items.Select(i => $"r{i}").ToArray()),
            new DynamicBatcherOptions { MaxWait = TimeSpan.Zero, QueueCapacity = 1 });
        using var slot = batcher.TryReserve()!;
        var task = batcher.RunOrEnqueueAsync(7, slot: slot);
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal("r7", await task);
        Assert.False(slot.IsHeld);
        Assert.Equal(0, batcher.QueueDepth);
    }

    [Fact]
    public async Task A_place_is_refused_while_stopping_and_cannot_be_used_in_another_batcher()
    {
        var handler = new GatedHandler();
        await using var one = Held(handler, capacity: 4);
        await using var other = Held(handler, capacity: 4);
        using var slot = one.TryReserve()!;
        Assert.Throws<ArgumentException>(() => { _ = other.EnqueueAsync(1, slot: slot); });
        Assert.True(slot.IsHeld);

        await other.StopAsync();
        Assert.Null(other.TryReserve());
    }
}
