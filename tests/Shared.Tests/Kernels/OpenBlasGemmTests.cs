using ProbeMonitor.Kernels;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Kernels;

public sealed class OpenBlasGemmTests
{
    private static OpenBlasGemm Blas => OpenBlasGemm.Instance ?? throw new InvalidOperationException("OpenBLAS did not load.");

    [PeerTheory("lib:libopenblas.so.0")]
    [MemberData(nameof(GemmShapes.PlainFloatCases), MemberType = typeof(GemmShapes))]
    public void Float_products_match_naive(int m, int n, int k, bool transposedB, bool accumulate) =>
        GemmCase.Create(m, n, k, transposedB, accumulate).AssertMatches(Blas);

    [PeerTheory("lib:libopenblas.so.0")]
    [MemberData(nameof(GemmShapes.PlainHalfCases), MemberType = typeof(GemmShapes))]
    public void Sixteen_bit_weights_match_naive_on_widened_values(int m, int n, int k, bool transposedB, HalfKind kind)
    {
        GemmCase.Create(m, n, k, transposedB, accumulate: false, kind).AssertMatches(Blas);
        GemmCase.Create(m, n, k, transposedB, accumulate: true, kind).AssertMatches(Blas);
    }

    [PeerFact("lib:libopenblas.so.0")]
    public void Sixteen_bit_path_spanning_several_widened_blocks_matches_naive()
    {
        // 2^21 floats per block: k = 40000 makes each block 52 rows, so n = 120 needs three sgemm calls (and A·B, three k blocks).
        GemmCase.Create(3, 120, 40000, transposedB: true, accumulate: true, HalfKind.BFloat16).AssertMatches(Blas);
        GemmCase.Create(3, 60000, 100, transposedB: false, accumulate: true, HalfKind.Float16).AssertMatches(Blas);
    }

    [PeerFact("lib:libopenblas.so.0")]
    public void Loads_and_is_preferred_by_the_facade()
    {
        Assert.Equal("openblas", Blas.Name);
        Assert.Contains(Blas.LibraryName, OpenBlasGemm.LibraryNames);
        Assert.Equal(Environment.ProcessorCount, Blas.Threads);
        Assert.Same(Blas, Gemm.Backends[0]);
    }

    [PeerFact("lib:libopenblas.so.0")]
    public void Kernel_family_follows_the_pinned_core_type()
    {
        // Where this process pinned OPENBLAS_CORETYPE (the user had not), OpenBLAS must report that family rather than
        // a fallback such as Prescott; openblas_get_corename is OpenBLAS's own answer.
        if (OpenBlasGemm.PinnedCoreType is { } pinned)
            Assert.Equal(pinned, Blas.CoreName, ignoreCase: true);
        else
            Assert.NotEqual("unknown", Blas.CoreName);
    }
}
