namespace ProbeMonitor.Monitor.Batching;

/// <summary>A place in a <see cref="DynamicBatcher{TItem,TResult}"/>'s queue held for an item not yet in hand (a request whose
/// message is still arriving): counted against the capacity until an item is queued into it or it is disposed.</summary>
/// <remarks>Dispose it in every case (a <c>using</c>): queueing an item into it hands the place to the item, and disposing it
/// afterwards does nothing.</remarks>
public sealed class QueueSlot : IDisposable
{
    private readonly Action _release;
    private int _held = 1;

    internal QueueSlot(object owner, Action release) => (Owner, _release) = (owner, release);

    /// <summary>The batcher the place is in.</summary>
    internal object Owner { get; }

    /// <summary>Whether the place is still held (neither used nor given back).</summary>
    public bool IsHeld => Volatile.Read(ref _held) == 1;

    /// <summary>Hands the place to an item being queued; false when it was already used or given back.</summary>
    internal bool TryTake() => Interlocked.Exchange(ref _held, 0) == 1;

    /// <summary>Gives the place back unless an item took it.</summary>
    public void Dispose()
    {
        if (TryTake()) _release();
    }
}
