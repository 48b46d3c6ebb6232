using System.Numerics.Tensors;

namespace ProbeMonitor.Sae.Training;

/// <summary>
/// The sparse halves of an SAE's forward and backward passes: everything that touches W_dec or W_enc rows through
/// the active latents only, never a dense [batch, d_sae] matrix.
/// </summary>
/// <remarks>
/// With k active latents per token, each operation costs batch·k·d_in multiply-adds, against batch·d_sae·d_in for the
/// dense GEMMs that autograd would run (256× less at k = 64, d_sae = 16384).
/// </remarks>
internal static class SparseBackprop
{
    /// <summary>output[r] = bias + Σ_e value[e]·rows[latent[e]] over row r's entries; bias may be empty (zero).</summary>
    public static void Decode(SparseCodes codes, float[] rows, int dIn, float[] output, float[] bias)
    {
        var start = codes.RowStart;
        var latent = codes.Latent;
        var value = codes.Value;
        RowParallel.For(codes.Rows, CostPerRow(codes, dIn), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var outRow = output.AsSpan(r * dIn, dIn);
                if (bias.Length == 0) outRow.Clear();
                else bias.AsSpan().CopyTo(outRow);
                for (int e = start[r]; e < start[r + 1]; e++)
                    TensorPrimitives.MultiplyAdd(rows.AsSpan(latent[e] * dIn, dIn), value[e], outRow, outRow);
            }
        });
    }

    /// <summary>grad[e] = dOut[row(e)] · rows[latent[e]]: the gradient reaching each active latent's activation.</summary>
    public static void GatherGradients(SparseCodes codes, float[] rows, int dIn, float[] dOut)
    {
        var start = codes.RowStart;
        var latent = codes.Latent;
        var grad = codes.Grad;
        RowParallel.For(codes.Rows, CostPerRow(codes, dIn), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var g = dOut.AsSpan(r * dIn, dIn);
                for (int e = start[r]; e < start[r + 1]; e++)
                    grad[e] = TensorPrimitives.Dot(g, rows.AsSpan(latent[e] * dIn, dIn));
            }
        });
    }

    /// <summary>
    /// target[j] += Σ_e coef[e]·source[row(e)] over latent j's entries, for every active latent j: the W_dec gradient
    /// (coef = activations, source = ∂L/∂x̂) and the W_enc gradient (coef = ∂L/∂pre, source = x − b_dec).
    /// </summary>
    public static void ScatterRows(LatentIndex index, float[] coef, float[] source, int dIn, float[] target)
    {
        var active = index.ActiveLatents;
        var start = index.Start;
        var entry = index.Entry;
        var row = index.Row;
        RowParallel.For(index.ActiveCount, (long)dIn * (1 + index.EntryCount / Math.Max(1, index.ActiveCount)), (a0, a1) =>
        {
            for (int a = a0; a < a1; a++)
            {
                int j = active[a];
                var t = target.AsSpan(j * dIn, dIn);
                for (int p = start[j]; p < start[j + 1]; p++)
                {
                    int e = entry[p];
                    TensorPrimitives.MultiplyAdd(source.AsSpan(row[e] * dIn, dIn), coef[e], t, t);
                }
            }
        });
    }

    /// <summary>target[j] += Σ_e coef[e] over latent j's entries (the b_enc gradient, or per-latent sums of activations).</summary>
    public static void SumPerLatent(LatentIndex index, float[] coef, float[] target)
    {
        var start = index.Start;
        var entry = index.Entry;
        foreach (int j in index.Active)
        {
            double sum = 0;
            for (int p = start[j]; p < start[j + 1]; p++) sum += coef[entry[p]];
            target[j] += (float)sum;
        }
    }

    /// <summary>dInput[r] += Σ_e grad[e]·rows[latent[e]]: the gradient reaching the encoder's input (x − b_dec).</summary>
    public static void InputGradient(SparseCodes codes, float[] rows, int dIn, float[] dInput)
    {
        var start = codes.RowStart;
        var latent = codes.Latent;
        var grad = codes.Grad;
        RowParallel.For(codes.Rows, CostPerRow(codes, dIn), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var d = dInput.AsSpan(r * dIn, dIn);
                for (int e = start[r]; e < start[r + 1]; e++)
                    if (grad[e] != 0f) TensorPrimitives.MultiplyAdd(rows.AsSpan(latent[e] * dIn, dIn), grad[e], d, d);
            }
        });
    }

    private static long CostPerRow(SparseCodes codes, int dIn) => (long)dIn * (1 + codes.Count / Math.Max(1, codes.Rows));
}
