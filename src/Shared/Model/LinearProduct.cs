using ProbeMonitor.Kernels;

namespace ProbeMonitor.Model;

/// <summary>y[m, out] = x[m, in] · Wᵀ for a weight stored [out, in] in any precision: the one place the model calls GEMM.</summary>
/// <remarks>16-bit weights go to the kernels as raw bits and are widened there, block by block, never as a whole.</remarks>
internal static class LinearProduct
{
    public static void Apply(ReadOnlySpan<float> x, WeightTensor w, Span<float> y, int m)
    {
        int n = w.Rows, k = w.Cols;
        if ((long)m * k > x.Length) throw new ArgumentException($"{w.Name}: input holds {x.Length} floats, {m}×{k} needed.");
        if ((long)m * n > y.Length) throw new ArgumentException($"{w.Name}: output holds {y.Length} floats, {m}×{n} needed.");
        switch (w.Precision)
        {
            case WeightPrecision.F32:
                Gemm.MultiplyTransposedB(x, w.Singles, y, m, n, k);
                break;
            case WeightPrecision.BF16:
                Gemm.MultiplyTransposedB(x, w.HalfBits, HalfKind.BFloat16, y, m, n, k);
                break;
            default:
                Gemm.MultiplyTransposedB(x, w.HalfBits, HalfKind.Float16, y, m, n, k);
                break;
        }
    }
}
