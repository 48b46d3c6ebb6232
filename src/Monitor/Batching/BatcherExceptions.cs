namespace ProbeMonitor.Monitor.Batching;

/// <summary>The batcher's queue is full, so the item was refused at once (the transport maps this to RESOURCE_EXHAUSTED).</summary>
public sealed class QueueFullException(int capacity)
    : Exception($"The scoring queue is full ({capacity} requests waiting); retry later.")
{
    /// <summary>The queue's capacity.</summary>
    public int Capacity { get; } = capacity;
}

/// <summary>The item's deadline passed before its batch ran, so it was not processed (the transport maps this to DEADLINE_EXCEEDED).</summary>
public sealed class DeadlineExceededException(DateTimeOffset deadline)
    : TimeoutException($"The request's deadline {deadline:O} passed before it was scored.")
{
    /// <summary>The deadline that passed.</summary>
    public DateTimeOffset Deadline { get; } = deadline;
}

/// <summary>The batcher is stopping or stopped and takes no new items (the transport maps this to UNAVAILABLE).</summary>
public sealed class BatcherStoppedException()
    : InvalidOperationException("The scoring queue is shutting down and accepts no new requests.");
