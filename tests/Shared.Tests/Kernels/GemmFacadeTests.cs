using ProbeMonitor.Kernels;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Kernels;

public sealed class GemmFacadeTests
{
    private static readonly IGemmBackend Managed = new ManagedGemm();
    private static readonly IGemmBackend Naive = new NaiveGemmBackend();

    [Fact]
    public void Without_override_the_first_available_back_end_is_chosen()
    {
        Assert.Same(Managed, GemmBackendSelection.Choose(null, [Managed, Naive]));
        Assert.Same(Managed, GemmBackendSelection.Choose("  ", [Managed, Naive]));
    }

    [Theory]
    [InlineData("managed", "managed-simd")]
    [InlineData("MANAGED", "managed-simd")]
    [InlineData(" naive ", "naive")]
    [InlineData("managed-simd", "managed-simd")]
    public void Override_picks_the_named_back_end(string request, string expected) =>
        Assert.Equal(expected, GemmBackendSelection.Choose(request, [Managed, Naive]).Name);

    [Fact]
    public void Override_naming_an_unknown_back_end_is_rejected_naming_the_variable()
    {
        var ex = Assert.Throws<ArgumentException>(() => GemmBackendSelection.Choose("mkl", [Managed, Naive]));
        Assert.Contains("PROBEMONITOR_GEMM='mkl'", ex.Message);
    }

    [Fact]
    public void Override_asking_for_absent_openblas_says_what_was_tried()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => GemmBackendSelection.Choose("openblas", [Managed, Naive]));
        Assert.Contains("libopenblas.so.0", ex.Message);
    }

    [Fact]
    public void Facade_reports_the_back_end_the_environment_selects()
    {
        var request = Environment.GetEnvironmentVariable(GemmBackendSelection.EnvironmentVariable);
        Assert.Equal(GemmBackendSelection.Choose(request, Gemm.Backends).Name, Gemm.BackendName);
        Assert.Contains(Gemm.Backends, b => b.Name == "managed-simd");
        Assert.Equal("naive", Gemm.Backends[^1].Name);
    }

    [PeerFact("lib:libopenblas.so.0")]
    public void With_openblas_installed_and_no_override_the_facade_uses_it()
    {
        Assert.Equal("openblas", GemmBackendSelection.Choose(null, Gemm.Backends).Name);
    }

    [Fact]
    public void Facade_products_match_naive_in_every_entry_point()
    {
        foreach (bool transposed in new[] { true, false })
        {
            var c = GemmCase.Create(9, 37, 21, transposed, accumulate: true);
            c.AssertMatches(new FacadeBackend());
            GemmCase.Create(9, 37, 21, transposed, accumulate: false, HalfKind.BFloat16).AssertMatches(new FacadeBackend());
        }
    }

    [Fact]
    public void Naive_back_end_widens_sixteen_bit_weights()
    {
        ushort[] bits = [0x3F80, 0x4000]; // bfloat16 1 and 2
        var c = new float[1];
        Naive.MultiplyTransposedB([3f, 4f], bits, HalfKind.BFloat16, c, 1, 1, 2);
        Assert.Equal(11f, c[0]);
        Naive.Multiply([3f, 4f], [(ushort)0x3C00, (ushort)0x4000], HalfKind.Float16, c, 1, 1, 2); // half 1 and 2
        Assert.Equal(11f, c[0]);
    }

    public static IEnumerable<object[]> AllBackends() => Gemm.Backends.Select(b => new object[] { b.Name });

    [Theory]
    [MemberData(nameof(AllBackends))]
    public void Every_back_end_rejects_bad_shapes_naming_the_operand(string name)
    {
        var backend = Gemm.Backends.Single(b => b.Name == name);
        var ex = Assert.Throws<ArgumentException>(() => backend.Multiply(new float[6], new float[5], new float[4], 2, 2, 3));
        Assert.Contains("B holds 5 floats", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => backend.MultiplyTransposedB(new float[6], new float[6], new float[3], 2, 2, 3));
        Assert.Contains("C holds 3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => backend.MultiplyTransposedB(new float[6], new ushort[5], HalfKind.Float16, new float[4], 2, 2, 3));
        Assert.Contains("B holds 5 16-bit values", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.Multiply(new float[6], new float[6], new float[4], -2, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => backend.Multiply(new float[6], new ushort[6], (HalfKind)7, new float[4], 2, 2, 3));
    }

    [Fact]
    public void Facade_rejects_short_sixteen_bit_weights()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.MultiplyTransposedB(new float[4], new ushort[3], HalfKind.BFloat16, new float[4], 2, 2, 2));
        Assert.Contains("B holds 3 16-bit values", ex.Message);
    }

    /// <summary>Routes a <see cref="GemmCase"/> through the static facade.</summary>
    private sealed class FacadeBackend : IGemmBackend
    {
        public string Name => "facade(" + Gemm.BackendName + ")";

        public void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false) =>
            Gemm.MultiplyTransposedB(a, b, c, m, n, k, accumulate);

        public void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false) =>
            Gemm.Multiply(a, b, c, m, n, k, accumulate);

        public void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false) =>
            Gemm.MultiplyTransposedB(a, bBits, kind, c, m, n, k, accumulate);

        public void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false) =>
            Gemm.Multiply(a, bBits, kind, c, m, n, k, accumulate);
    }
}
