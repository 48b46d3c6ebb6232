namespace ProbeMonitor.Kernels;

/// <summary>One implementation of row-major single-precision matrix products; <see cref="Gemm"/> picks one.</summary>
/// <remarks>
/// All matrices are dense, row-major and contiguous; only the first m·n elements of C are written.
/// C must not overlap A or B. Dimensions may be zero (then C is cleared, or left alone when accumulating).
/// </remarks>
public interface IGemmBackend
{
    /// <summary>Short name reported to users: "openblas", "managed-simd" or "naive".</summary>
    string Name { get; }

    /// <summary>C[m,n] = A[m,k] · B[n,k]ᵀ (+ C when <paramref name="accumulate"/>).</summary>
    void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false);

    /// <summary>C[m,n] = A[m,k] · B[k,n] (+ C when <paramref name="accumulate"/>).</summary>
    void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false);

    /// <summary>C[m,n] = A[m,k] · B[n,k]ᵀ (+ C) with B given as 16-bit floats of <paramref name="kind"/>, widened inside the kernel.</summary>
    void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false);

    /// <summary>C[m,n] = A[m,k] · B[k,n] (+ C) with B given as 16-bit floats of <paramref name="kind"/>, widened inside the kernel.</summary>
    void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false);
}
