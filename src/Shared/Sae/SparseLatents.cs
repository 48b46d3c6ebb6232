namespace ProbeMonitor.Sae;

/// <summary>The non-zero latents of one encoded row: ascending latent ids and their activations.</summary>
/// <remarks>Takes ownership of both arrays. With L0 ≈ 100 of 16k–131k latents this is ~1000× smaller than the dense row.</remarks>
public sealed record SparseLatents
{
    /// <summary>Wraps the arrays, checking they pair up and the ids ascend strictly.</summary>
    public SparseLatents(int[] indices, float[] values)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        if (indices.Length != values.Length)
            throw new ArgumentException($"sparse latents: {indices.Length} indices but {values.Length} values.");
        for (int i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0) throw new ArgumentException($"sparse latents: index {i} is negative ({indices[i]}).");
            if (i > 0 && indices[i] <= indices[i - 1])
                throw new ArgumentException($"sparse latents: indices must ascend strictly, but [{i - 1}]={indices[i - 1]} and [{i}]={indices[i]}.");
        }
        Indices = indices;
        Values = values;
    }

    /// <summary>No active latents.</summary>
    public static SparseLatents Empty { get; } = new([], []);

    /// <summary>Active latent ids, ascending.</summary>
    public int[] Indices { get; }

    /// <summary>Activations, paired with <see cref="Indices"/>.</summary>
    public float[] Values { get; }

    /// <summary>Number of active latents (the row's L0).</summary>
    public int Count => Indices.Length;

    /// <summary>Collects the non-zero entries of a dense row.</summary>
    public static SparseLatents FromDense(ReadOnlySpan<float> row)
    {
        int count = row.Length - row.Count(0f);
        if (count == 0) return Empty;
        var indices = new int[count];
        var values = new float[count];
        int w = 0;
        for (int j = 0; j < row.Length; j++)
        {
            if (row[j] == 0f) continue;
            indices[w] = j;
            values[w] = row[j];
            w++;
        }
        return new SparseLatents(indices, values);
    }

    /// <summary>Writes the row densely into <paramref name="row"/> (zeroing it first).</summary>
    public void ToDense(Span<float> row)
    {
        if (Count > 0 && Indices[^1] >= row.Length)
            throw new ArgumentException($"sparse latents: latent {Indices[^1]} does not fit a row of {row.Length}.");
        row.Clear();
        for (int i = 0; i < Indices.Length; i++) row[Indices[i]] = Values[i];
    }
}
