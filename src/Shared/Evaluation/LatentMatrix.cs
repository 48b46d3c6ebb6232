using ProbeMonitor.Sae;

namespace ProbeMonitor.Evaluation;

/// <summary>SAE latent activations of N examples in compressed sparse rows: only the firing latents are stored.</summary>
/// <remarks>A 131k-wide SAE at L0 ≈ 100 stores ~100 of 131,072 values per row, so 2,000 examples take ~2 MB instead of ~1 GB dense.</remarks>
public sealed class LatentMatrix
{
    private readonly int[] _rowStart;
    private readonly int[] _indices;
    private readonly float[] _values;

    /// <summary>Wraps CSR arrays (taken, not copied): row i holds entries rowStart[i]…rowStart[i+1]−1, indices ascending within a row.</summary>
    public LatentMatrix(int width, int[] rowStart, int[] indices, float[] values)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"latent width must be positive, got {width}.");
        if (rowStart.Length == 0 || rowStart[0] != 0 || rowStart[^1] != indices.Length || indices.Length != values.Length)
            throw new ArgumentException("latent matrix: row starts must begin at 0 and end at the entry count, and indices and values must match.");
        for (int i = 1; i < rowStart.Length; i++)
            if (rowStart[i] < rowStart[i - 1]) throw new ArgumentException($"latent matrix: row start {i} decreases.");
        foreach (int j in indices)
            if ((uint)j >= (uint)width) throw new ArgumentException($"latent matrix: latent {j} is outside 0…{width - 1}.");
        Width = width;
        _rowStart = rowStart;
        _indices = indices;
        _values = values;
    }

    /// <summary>Number of latents (d_sae).</summary>
    public int Width { get; }

    /// <summary>Number of examples.</summary>
    public int Rows => _rowStart.Length - 1;

    /// <summary>Stored (non-zero) entries.</summary>
    public int NonZeros => _indices.Length;

    /// <summary>The latent ids firing in row i, ascending.</summary>
    public ReadOnlySpan<int> RowIndices(int i) => _indices.AsSpan(_rowStart[i], _rowStart[i + 1] - _rowStart[i]);

    /// <summary>Their activations.</summary>
    public ReadOnlySpan<float> RowValues(int i) => _values.AsSpan(_rowStart[i], _rowStart[i + 1] - _rowStart[i]);

    /// <summary>Builds the matrix from per-row sparse latents (what <see cref="SparseAutoencoder.EncodeSparse"/> returns).</summary>
    public static LatentMatrix FromRows(IReadOnlyList<SparseLatents> rows, int width)
    {
        var start = new int[rows.Count + 1];
        for (int i = 0; i < rows.Count; i++) start[i + 1] = checked(start[i] + rows[i].Count);
        var indices = new int[start[^1]];
        var values = new float[start[^1]];
        for (int i = 0; i < rows.Count; i++)
        {
            rows[i].Indices.CopyTo(indices, start[i]);
            rows[i].Values.CopyTo(values, start[i]);
        }
        return new LatentMatrix(width, start, indices, values);
    }

    /// <summary>Encodes [n, d_in] activations with the SAE in chunks, keeping only the firing latents.</summary>
    public static LatentMatrix Encode(SparseAutoencoder sae, ReadOnlySpan<float> x, int n)
    {
        ArgumentNullException.ThrowIfNull(sae);
        const int chunk = 256;
        var rows = new List<SparseLatents>(n);
        for (int r0 = 0; r0 < n; r0 += chunk)
        {
            int count = Math.Min(chunk, n - r0);
            rows.AddRange(sae.EncodeSparse(x.Slice(r0 * sae.DIn, count * sae.DIn), count));
        }
        return FromRows(rows, sae.DSae);
    }

    /// <summary>Builds the matrix from dense rows [n, width], storing the non-zeros.</summary>
    public static LatentMatrix FromDense(ReadOnlySpan<float> dense, int n, int width)
    {
        if ((long)n * width != dense.Length) throw new ArgumentException($"dense latents hold {dense.Length} values, not {n} × {width}.");
        var rows = new SparseLatents[n];
        for (int i = 0; i < n; i++) rows[i] = SparseLatents.FromDense(dense.Slice(i * width, width));
        return FromRows(rows, width);
    }

    /// <summary>The given rows, in that order.</summary>
    public LatentMatrix SelectRows(ReadOnlySpan<int> rows)
    {
        var start = new int[rows.Length + 1];
        for (int k = 0; k < rows.Length; k++) start[k + 1] = start[k] + RowIndices(rows[k]).Length;
        var indices = new int[start[^1]];
        var values = new float[start[^1]];
        for (int k = 0; k < rows.Length; k++)
        {
            RowIndices(rows[k]).CopyTo(indices.AsSpan(start[k]));
            RowValues(rows[k]).CopyTo(values.AsSpan(start[k]));
        }
        return new LatentMatrix(Width, start, indices, values);
    }

    /// <summary>Dense columns [Rows, ids.Length] of the chosen latents, in the order of <paramref name="ids"/>.</summary>
    public float[] Gather(ReadOnlySpan<int> ids)
    {
        var position = new Dictionary<int, int>(ids.Length);
        for (int c = 0; c < ids.Length; c++)
        {
            if ((uint)ids[c] >= (uint)Width) throw new ArgumentOutOfRangeException(nameof(ids), $"latent {ids[c]} is outside 0…{Width - 1}.");
            if (!position.TryAdd(ids[c], c)) throw new ArgumentException($"latent {ids[c]} is asked for twice.", nameof(ids));
        }
        int k = ids.Length;
        var result = new float[checked(Rows * k)];
        for (int i = 0; i < Rows; i++)
        {
            var idx = RowIndices(i);
            var val = RowValues(i);
            for (int e = 0; e < idx.Length; e++)
                if (position.TryGetValue(idx[e], out int c)) result[i * k + c] = val[e];
        }
        return result;
    }

    /// <summary>Per-latent sums and non-zero counts over the rows with label 0 and with label 1.</summary>
    public (double[] Sum0, double[] Sum1, int[] NonZero) ColumnSums(ReadOnlySpan<int> labels)
    {
        if (labels.Length != Rows) throw new ArgumentException($"{labels.Length} labels for {Rows} rows.", nameof(labels));
        var sum0 = new double[Width];
        var sum1 = new double[Width];
        var nonZero = new int[Width];
        for (int i = 0; i < Rows; i++)
        {
            var target = labels[i] == 1 ? sum1 : sum0;
            var idx = RowIndices(i);
            var val = RowValues(i);
            for (int e = 0; e < idx.Length; e++)
            {
                target[idx[e]] += val[e];
                if (val[e] != 0) nonZero[idx[e]]++;
            }
        }
        return (sum0, sum1, nonZero);
    }
}
