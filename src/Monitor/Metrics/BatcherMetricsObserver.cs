using ProbeMonitor.Monitor.Batching;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Reports a batcher's queue depth and batch sizes to <see cref="MonitorMetrics"/>.</summary>
/// <remarks>The sidecar has two batchers (pushed activations, forward passes); each has its own observer and their depths are summed.</remarks>
public sealed class BatcherMetricsObserver(MonitorMetrics metrics, BatcherMetricsObserver.SharedDepth total) : IBatcherObserver
{
    private int _mine;

    /// <inheritdoc />
    public void QueueDepthChanged(int depth)
    {
        int delta = depth - Interlocked.Exchange(ref _mine, depth);
        metrics.SetQueueDepth(total.Add(delta));
    }

    /// <inheritdoc />
    public void BatchDispatched(int items, long tokens) => metrics.RecordBatchSize(items);

    /// <inheritdoc />
    public void ItemDropped(BatchItemDrop reason)
    {
    }

    /// <summary>The total depth over every batcher reporting to one catalogue.</summary>
    public sealed class SharedDepth
    {
        private long _total;

        /// <summary>Adds <paramref name="delta"/> and returns the new total.</summary>
        public long Add(int delta) => Interlocked.Add(ref _total, delta);
    }
}
