using System.Collections.Concurrent;
using ProbeMonitor.Monitor.Batching;

namespace ProbeMonitor.Monitor.Tests.Batching;

/// <summary>Keeps every batcher event for assertions.</summary>
internal sealed class RecordingObserver : IBatcherObserver
{
    public ConcurrentQueue<int> Depths { get; } = new();
    public ConcurrentQueue<(int Items, long Tokens)> Batches { get; } = new();
    public ConcurrentQueue<BatchItemDrop> Drops { get; } = new();

    public void QueueDepthChanged(int depth) => Depths.Enqueue(depth);
    public void BatchDispatched(int items, long tokens) => Batches.Enqueue((items, tokens));
    public void ItemDropped(BatchItemDrop reason) => Drops.Enqueue(reason);
}

/// <summary>A batch handler that records its batches and can be held at a gate.</summary>
internal sealed class GatedHandler
{
    private readonly object _lock = new();
    private TaskCompletionSource _gate = NewOpenGate();
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<int[]> Batches { get; } = [];

    public CancellationToken LastToken { get; private set; }

    /// <summary>Makes the next batches wait until <see cref="Open"/>.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Open()
    {
        lock (_lock) _gate.TrySetResult();
    }

    /// <summary>Completes when a batch has entered the handler since the last <see cref="Close"/>.</summary>
    public Task Entered
    {
        get { lock (_lock) return _entered.Task; }
    }

    public async Task<IReadOnlyList<string>> Handle(IReadOnlyList<int> items, CancellationToken token)
    {
        Task gate;
        lock (_lock)
        {
            Batches.Add(items.ToArray());
            LastToken = token;
            _entered.TrySetResult();
            gate = _gate.Task;
        }
        await gate.WaitAsync(token);
        return items.Select(i => $"r{i}").ToList();
    }

    public int[][] Snapshot()
    {
        lock (_lock) return Batches.Select(b => b.ToArray()).ToArray();
    }

    private static TaskCompletionSource NewOpenGate()
    {
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.SetResult();
        return tcs;
    }
}
