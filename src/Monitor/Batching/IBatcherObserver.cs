namespace ProbeMonitor.Monitor.Batching;

/// <summary>Receives a batcher's events, for metrics; called on the batcher's threads, so implementations must be cheap and thread-safe.</summary>
public interface IBatcherObserver
{
    /// <summary>The number of items waiting changed.</summary>
    void QueueDepthChanged(int depth);

    /// <summary>A batch of <paramref name="items"/> items costing <paramref name="tokens"/> tokens went to the handler.</summary>
    void BatchDispatched(int items, long tokens);

    /// <summary>An item ended without being processed.</summary>
    void ItemDropped(BatchItemDrop reason);
}

/// <summary>Why an item was not processed.</summary>
public enum BatchItemDrop
{
    /// <summary>The queue was full.</summary>
    QueueFull,

    /// <summary>Its deadline passed while it waited.</summary>
    DeadlineExceeded,

    /// <summary>The caller cancelled it while it waited.</summary>
    Canceled,

    /// <summary>The batcher was stopping, or its shutdown was cut short.</summary>
    ShuttingDown,
}

/// <summary>An observer that ignores everything.</summary>
public sealed class NullBatcherObserver : IBatcherObserver
{
    /// <summary>The shared instance.</summary>
    public static NullBatcherObserver Instance { get; } = new();

    /// <inheritdoc />
    public void QueueDepthChanged(int depth) { }

    /// <inheritdoc />
    public void BatchDispatched(int items, long tokens) { }

    /// <inheritdoc />
    public void ItemDropped(BatchItemDrop reason) { }
}
