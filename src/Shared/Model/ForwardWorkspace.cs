namespace ProbeMonitor.Model;

/// <summary>The buffers one forward pass reuses across all its layers, sized for its batch.</summary>
/// <remarks>Owned by a single forward call; nothing here is allocated again per layer.</remarks>
internal sealed class ForwardWorkspace
{
    public float[] Residual { get; }
    public float[] Normed { get; }
    public float[] Query { get; }
    public float[] Key { get; }
    public float[] Value { get; }
    public float[] AttentionOut { get; }
    public float[] Projected { get; }
    public float[] Gate { get; }
    public float[] Up { get; }
    public AttentionScratch Attention { get; }
    /// <summary>One row per sequence: its last position, for a final layer computed for the last token only.</summary>
    public float[] LastRows { get; }
    /// <summary>The last-token residual rows of such a final layer.</summary>
    public float[] LastResidual { get; }

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
        Gate = new float[checked((long)Math.Min(n, GemmaMlp.ChunkRows) * config.IntermediateSize)];
        Up = new float[Gate.Length];
        Attention = new AttentionScratch(batch.MaxLength, config.HeadDim, config.GroupSize);
        LastRows = new float[batch.Count * d];
        LastResidual = new float[batch.Count * d];
    }
}

/// <summary>Attention buffers for one (sequence, KV head) at a time: its K and V, and one block of the group's queries and scores.</summary>
internal sealed class AttentionScratch(int maxLength, int headDim, int group)
{
    /// <summary>Query positions per block; bounds the scores to group·BlockRows × T rather than group·T × T.</summary>
    public const int BlockRows = 256;

    public int BlockLength { get; } = Math.Min(BlockRows, maxLength);
    public float[] Key { get; } = new float[maxLength * headDim];
    public float[] Value { get; } = new float[maxLength * headDim];
    public float[] Query { get; } = new float[group * Math.Min(BlockRows, maxLength) * headDim];
    public float[] Output { get; } = new float[group * Math.Min(BlockRows, maxLength) * headDim];
    public float[] Scores { get; } = new float[(long)group * Math.Min(BlockRows, maxLength) * maxLength <= Array.MaxLength
        ? group * Math.Min(BlockRows, maxLength) * maxLength
        : throw new ArgumentException($"attention scores for {maxLength} tokens do not fit one buffer.")];
}
