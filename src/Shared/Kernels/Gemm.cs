namespace ProbeMonitor.Kernels;

/// <summary>Row-major single-precision matrix products, dispatched to the fastest available back end.</summary>
/// <remarks>
/// Every caller (the transformer, the SAE, the probes) goes through this facade so that the back end
/// can change without touching model code. Matrices are dense, row-major and contiguous. The back end is OpenBLAS
/// when it loads, else the managed SIMD kernels; <c>PROBEMONITOR_GEMM=openblas|managed|naive</c> overrides that.
/// </remarks>
public static class Gemm
{
    /// <summary>The back ends available on this machine, preferred first: OpenBLAS (when it loads), managed-simd, naive.</summary>
    public static IReadOnlyList<IGemmBackend> Backends { get; } = Discover();

    private static readonly Lazy<IGemmBackend> Selected = new(() =>
        GemmBackendSelection.Choose(Environment.GetEnvironmentVariable(GemmBackendSelection.EnvironmentVariable), Backends));

    /// <summary>The back end in use.</summary>
    /// <exception cref="InvalidOperationException">PROBEMONITOR_GEMM asks for a back end that is unavailable.</exception>
    public static IGemmBackend Backend => Selected.Value;

    /// <summary>The back end in use, as reported to users ("naive", "managed-simd", "openblas").</summary>
    public static string BackendName => Backend.Name;

    /// <summary>C[m,n] = A[m,k] · B[n,k]ᵀ (+ C when <paramref name="accumulate"/>): the shape of a linear layer with weights stored [out, in].</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        Backend.MultiplyTransposedB(a, b, c, m, n, k, accumulate);
    }

    /// <summary>C[m,n] = A[m,k] · B[k,n] (+ C when <paramref name="accumulate"/>): the shape of an SAE encoder with W_enc stored [d_in, d_sae].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        Backend.Multiply(a, b, c, m, n, k, accumulate);
    }

    /// <summary>
    /// C[m,n] = A[m,k] · B[n,k]ᵀ (+ C) with the weights B kept as raw bfloat16 or binary16 bits (e.g. a memory-mapped
    /// safetensors tensor) and widened inside the kernel.
    /// </summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, bBits.Length, kind, c.Length, m, n, k);
        Backend.MultiplyTransposedB(a, bBits, kind, c, m, n, k, accumulate);
    }

    /// <summary>C[m,n] = A[m,k] · B[k,n] (+ C) with B kept as raw 16-bit float bits of <paramref name="kind"/>.</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, bBits.Length, kind, c.Length, m, n, k);
        Backend.Multiply(a, bBits, kind, c, m, n, k, accumulate);
    }

    private static IGemmBackend[] Discover()
    {
        var found = new List<IGemmBackend>();
        if (OpenBlasGemm.Instance is { } openBlas) found.Add(openBlas);
        found.Add(new ManagedGemm());
        found.Add(new NaiveGemmBackend());
        return found.ToArray();
    }
}
