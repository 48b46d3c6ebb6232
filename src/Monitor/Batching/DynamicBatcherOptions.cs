namespace ProbeMonitor.Monitor.Batching;

/// <summary>Limits of a <see cref="DynamicBatcher{TItem, TResult}"/>.</summary>
public sealed record DynamicBatcherOptions
{
    /// <summary>The most items in one batch.</summary>
    public int MaxBatchSize { get; init; } = 32;

    /// <summary>The most tokens (summed item costs) in one batch; an item costing more than this runs alone.</summary>
    public long MaxBatchTokens { get; init; } = 16_384;

    /// <summary>How long a batch may wait for more items after its first one arrives.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How many items may wait in the queue; beyond it enqueueing fails with <see cref="QueueFullException"/>.</summary>
    public int QueueCapacity { get; init; } = 256;

    /// <summary>Checks the limits.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive (MaxWait may be zero).</exception>
    public void Validate()
    {
        if (MaxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "a batch must hold at least one item.");
        if (MaxBatchTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxBatchTokens), MaxBatchTokens, "the token budget must be positive.");
        if (MaxWait < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MaxWait), MaxWait, "the maximum wait cannot be negative.");
        if (QueueCapacity < 1) throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "the queue must hold at least one item.");
    }
}
