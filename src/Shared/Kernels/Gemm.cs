namespace ProbeMonitor.Kernels;

/// <summary>Row-major single-precision matrix products, dispatched to the fastest available back end.</summary>
/// <remarks>
/// Every caller (the transformer, the SAE, the probes) goes through this facade so that the back end
/// can change without touching model code. Matrices are dense, row-major and contiguous.
/// </remarks>
public static class Gemm
{
    /// <summary>The back end in use, as reported to users ("naive", "managed-simd", "openblas").</summary>
    public static string BackendName => "naive";

    /// <summary>C[m,n] = A[m,k] · B[n,k]ᵀ (+ C when <paramref name="accumulate"/>): the shape of a linear layer with weights stored [out, in].</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        NaiveGemm.MultiplyTransposedB(a, b, c, m, n, k, accumulate);
    }

    /// <summary>C[m,n] = A[m,k] · B[k,n] (+ C when <paramref name="accumulate"/>): the shape of an SAE encoder with W_enc stored [d_in, d_sae].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        NaiveGemm.Multiply(a, b, c, m, n, k, accumulate);
    }
}
