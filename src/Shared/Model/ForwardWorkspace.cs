using System.Collections.Concurrent;

namespace ProbeMonitor.Model;

/// <summary>The buffers one forward pass reuses across all its layers, sized for its batch.</summary>
/// <remarks>Owned by a single forward call; attention workers rent per-thread scratch from <see cref="RentScratch"/>.</remarks>
internal sealed class ForwardWorkspace
{
    private readonly ConcurrentBag<AttentionScratch> _scratch = new();
    private readonly int _maxLength;
    private readonly int _headDim;

    public float[] Residual { get; }
    public float[] Normed { get; }
    public float[] Query { get; }
    public float[] Key { get; }
    public float[] Value { get; }
    public float[] AttentionOut { get; }
    public float[] Projected { get; }
    public float[] Gate { get; }
    public float[] Up { get; }

    public ForwardWorkspace(GemmaConfig config, SequenceBatch batch)
    {
        int n = batch.TotalTokens, d = config.HiddenSize;
        long qWidth = (long)config.NumAttentionHeads * config.HeadDim;
        long kvWidth = (long)config.NumKeyValueHeads * config.HeadDim;
        Residual = new float[checked(n * d)];
        Normed = new float[n * d];
        Projected = new float[n * d];
        Query = new float[checked(n * qWidth)];
        AttentionOut = new float[n * qWidth];
        Key = new float[checked(n * kvWidth)];
        Value = new float[n * kvWidth];
        Gate = new float[checked((long)n * config.IntermediateSize)];
        Up = new float[Gate.Length];
        _maxLength = batch.MaxLength;
        _headDim = config.HeadDim;
    }

    public AttentionScratch RentScratch() =>
        _scratch.TryTake(out var s) ? s : new AttentionScratch(_maxLength, _headDim);

    public void ReturnScratch(AttentionScratch scratch) => _scratch.Add(scratch);
}

/// <summary>One attention worker's buffers: a head's Q, K, V gathered contiguous, and one block of scores.</summary>
internal sealed class AttentionScratch(int maxLength, int headDim)
{
    /// <summary>Query rows scored together; bounds the score buffer to BlockRows × T instead of T × T.</summary>
    public const int BlockRows = 128;

    public float[] Query { get; } = new float[maxLength * headDim];
    public float[] Key { get; } = new float[maxLength * headDim];
    public float[] Value { get; } = new float[maxLength * headDim];
    public float[] Scores { get; } = new float[Math.Min(BlockRows, maxLength) * maxLength];
    public float[] Output { get; } = new float[Math.Min(BlockRows, maxLength) * headDim];
}
