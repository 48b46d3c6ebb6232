using ProbeMonitor.Kernels;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Kernels;

public sealed class ManagedGemmTests
{
    [Theory]
    [MemberData(nameof(GemmShapes.ManagedFloatCases), MemberType = typeof(GemmShapes))]
    public void Float_products_match_naive(SimdLevel level, int m, int n, int k, bool transposedB, bool accumulate) =>
        GemmCase.Create(m, n, k, transposedB, accumulate).AssertMatches(new ManagedGemm(level));

    [Theory]
    [MemberData(nameof(GemmShapes.ManagedHalfCases), MemberType = typeof(GemmShapes))]
    public void Sixteen_bit_weights_match_naive_on_widened_values(SimdLevel level, int m, int n, int k, bool transposedB, HalfKind kind)
    {
        GemmCase.Create(m, n, k, transposedB, accumulate: false, kind).AssertMatches(new ManagedGemm(level));
        GemmCase.Create(m, n, k, transposedB, accumulate: true, kind).AssertMatches(new ManagedGemm(level));
    }

    [Fact]
    public void Reports_its_name_and_the_best_level()
    {
        var gemm = new ManagedGemm();
        Assert.Equal("managed-simd", gemm.Name);
        Assert.Equal(ManagedGemm.BestLevel, gemm.Level);
        Assert.Contains(SimdLevel.Portable, ManagedGemm.SupportedLevels);
    }

    [Fact]
    public void Results_are_the_same_on_every_run_despite_parallel_tasks()
    {
        var random = new Random(5);
        int m = 150, n = 400, k = 200;
        var a = Enumerable.Range(0, m * k).Select(_ => random.NextSingle()).ToArray();
        var b = Enumerable.Range(0, n * k).Select(_ => random.NextSingle()).ToArray();
        var first = new float[m * n];
        var second = new float[m * n];
        var gemm = new ManagedGemm();
        gemm.MultiplyTransposedB(a, b, first, m, n, k);
        gemm.MultiplyTransposedB(a, b, second, m, n, k);
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Empty_k_clears_c_or_leaves_it_when_accumulating(bool accumulate)
    {
        var c = new[] { 1f, 2f, 3f, 4f, 5f, 6f, 99f };
        new ManagedGemm().Multiply([], [], c, 2, 3, 0, accumulate);
        Assert.Equal(accumulate ? [1f, 2f, 3f, 4f, 5f, 6f, 99f] : [0f, 0f, 0f, 0f, 0f, 0f, 99f], c);
        var before = (float[])c.Clone();
        new ManagedGemm().MultiplyTransposedB([], new float[12], c, 0, 3, 4, accumulate);
        Assert.Equal(before, c);
    }

    [Fact]
    public void Writes_only_the_first_m_times_n_elements_of_c()
    {
        var c = Enumerable.Repeat(7f, 20).ToArray();
        new ManagedGemm().MultiplyTransposedB([1, 2, 3], [1, 1, 1, 2, 2, 2], c, 1, 2, 3);
        Assert.Equal([6f, 12f], c[..2]);
        Assert.All(c[2..], v => Assert.Equal(7f, v));
    }
}
