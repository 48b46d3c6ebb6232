namespace ProbeMonitor.Model;

/// <summary>Sequences of different lengths packed end to end, row by row, with no padding between them.</summary>
/// <remarks>Packing instead of padding is what makes each sequence's result independent of its batch-mates.</remarks>
public sealed class SequenceBatch
{
    /// <summary>First packed row of each sequence.</summary>
    public int[] Offsets { get; }
    /// <summary>Token count of each sequence.</summary>
    public int[] Lengths { get; }
    /// <summary>Total rows over all sequences.</summary>
    public int TotalTokens { get; }
    /// <summary>Longest sequence.</summary>
    public int MaxLength { get; }
    /// <summary>The token ids, packed.</summary>
    public int[] Tokens { get; }

    /// <summary>Number of sequences.</summary>
    public int Count => Lengths.Length;

    /// <summary>Packs the sequences, checking every id against the vocabulary.</summary>
    public SequenceBatch(IReadOnlyList<int[]> sequences, int vocabSize)
    {
        Offsets = new int[sequences.Count];
        Lengths = new int[sequences.Count];
        long total = 0;
        for (int s = 0; s < sequences.Count; s++)
        {
            var seq = sequences[s] ?? throw new ArgumentNullException(nameof(sequences), $"sequence {s} is null.");
            if (seq.Length == 0) throw new ArgumentException($"sequence {s} is empty; every sequence needs at least one token.");
            Offsets[s] = (int)total;
            Lengths[s] = seq.Length;
            total += seq.Length;
            if (total > int.MaxValue / 2) throw new ArgumentException($"batch of {sequences.Count} sequences is too large ({total}+ tokens).");
            MaxLength = Math.Max(MaxLength, seq.Length);
        }
        TotalTokens = (int)total;
        Tokens = new int[TotalTokens];
        for (int s = 0; s < sequences.Count; s++)
        {
            var seq = sequences[s];
            for (int t = 0; t < seq.Length; t++)
                if ((uint)seq[t] >= (uint)vocabSize)
                    throw new ArgumentOutOfRangeException(nameof(sequences), $"sequence {s} token {t} has id {seq[t]}, outside the vocabulary [0, {vocabSize}).");
            seq.CopyTo(Tokens, Offsets[s]);
        }
    }
}
