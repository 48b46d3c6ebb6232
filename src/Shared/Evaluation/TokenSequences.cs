using System.Numerics.Tensors;

namespace ProbeMonitor.Evaluation;

/// <summary>Per-token activations of N right-padded sequences: Values [N, MaxTokens, Dim] with sequence i's tokens in rows 0…Lengths[i]−1.</summary>
/// <param name="Values">The padded activations, row-major.</param>
/// <param name="Lengths">Tokens per sequence, each in 1…MaxTokens.</param>
/// <param name="MaxTokens">The padded length T.</param>
/// <param name="Dim">The residual width d.</param>
public sealed record TokenSequences(float[] Values, int[] Lengths, int MaxTokens, int Dim)
{
    /// <summary>Number of sequences.</summary>
    public int Count => Lengths.Length;

    /// <summary>The Lengths[i] × Dim token rows of sequence i.</summary>
    public ReadOnlySpan<float> Sequence(int i) => Values.AsSpan(i * MaxTokens * Dim, Lengths[i] * Dim);

    /// <summary>One vector per sequence: the last token, the token mean or the element-wise maximum.</summary>
    public float[] Pool(string pooling)
    {
        var result = new float[checked(Count * Dim)];
        for (int i = 0; i < Count; i++)
        {
            var tokens = Sequence(i);
            var row = result.AsSpan(i * Dim, Dim);
            int length = Lengths[i];
            switch (pooling)
            {
                case "last":
                    tokens.Slice((length - 1) * Dim, Dim).CopyTo(row);
                    break;
                case "mean":
                    for (int t = 0; t < length; t++)
                        TensorPrimitives.Add(row, tokens.Slice(t * Dim, Dim), row);
                    TensorPrimitives.Divide(row, length, row);
                    break;
                case "max":
                    tokens[..Dim].CopyTo(row);
                    for (int t = 1; t < length; t++)
                        TensorPrimitives.Max(row, tokens.Slice(t * Dim, Dim), row);
                    break;
                default:
                    throw new ArgumentException($"unknown pooling '{pooling}'; use last, mean or max.", nameof(pooling));
            }
        }
        return result;
    }

    /// <summary>A copy holding only the given sequences, in that order.</summary>
    public TokenSequences Subset(ReadOnlySpan<int> rows)
    {
        int stride = MaxTokens * Dim;
        var values = new float[checked(rows.Length * stride)];
        var lengths = new int[rows.Length];
        for (int k = 0; k < rows.Length; k++)
        {
            int i = rows[k];
            if ((uint)i >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(rows), $"sequence {i} is outside 0…{Count - 1}.");
            Values.AsSpan(i * stride, stride).CopyTo(values.AsSpan(k * stride, stride));
            lengths[k] = Lengths[i];
        }
        return new TokenSequences(values, lengths, MaxTokens, Dim);
    }
}
