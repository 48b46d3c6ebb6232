using System.Buffers;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Model;

/// <summary>y[m, out] = x[m, in] · Wᵀ for a weight stored [out, in] in any precision: the one place the model calls GEMM.</summary>
/// <remarks>
/// 16-bit weights are widened a block of output rows at a time into a pooled buffer, so a 256k-row embedding never
/// becomes a float32 copy; this adapter is where a native 16-bit GEMM plugs in.
/// </remarks>
internal static class LinearProduct
{
    /// <summary>Floats widened per block: big enough to keep GEMM efficient, small enough to stay in a pooled buffer.</summary>
    private const int BlockElements = 1 << 22;

    public static void Apply(ReadOnlySpan<float> x, WeightTensor w, Span<float> y, int m)
    {
        int n = w.Rows, k = w.Cols;
        if ((long)m * k > x.Length) throw new ArgumentException($"{w.Name}: input holds {x.Length} floats, {m}×{k} needed.");
        if ((long)m * n > y.Length) throw new ArgumentException($"{w.Name}: output holds {y.Length} floats, {m}×{n} needed.");
        if (m == 0 || n == 0) return;
        if (w.Precision == WeightPrecision.F32)
        {
            Gemm.MultiplyTransposedB(x, w.Singles, y, m, n, k);
            return;
        }

        int blockRows = Math.Clamp(BlockElements / Math.Max(k, 1), 1, n);
        float[] wBlock = ArrayPool<float>.Shared.Rent(blockRows * k);
        float[]? yBlock = blockRows == n ? null : ArrayPool<float>.Shared.Rent(m * blockRows);
        try
        {
            for (int r0 = 0; r0 < n; r0 += blockRows)
            {
                int nb = Math.Min(blockRows, n - r0);
                w.WidenRows(r0, nb, wBlock);
                if (yBlock is null)
                {
                    Gemm.MultiplyTransposedB(x, wBlock.AsSpan(0, nb * k), y, m, nb, k);
                    continue;
                }
                Gemm.MultiplyTransposedB(x, wBlock.AsSpan(0, nb * k), yBlock, m, nb, k);
                for (int i = 0; i < m; i++)
                    yBlock.AsSpan(i * nb, nb).CopyTo(y.Slice(i * n + r0, nb));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(wBlock);
            if (yBlock is not null) ArrayPool<float>.Shared.Return(yBlock);
        }
    }
}
