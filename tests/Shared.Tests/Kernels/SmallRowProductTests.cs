using ProbeMonitor.Kernels;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Kernels;

/// <summary>A·Bᵀ with one row tile of A (a request scored alone) reads B in place instead of packing it: each row must come
/// out bit-for-bit as the same row of a taller product (which packs B), and match the naive product.</summary>
public sealed class SmallRowProductTests
{
    public static TheoryData<SimdLevel, int, int> Cases()
    {
        var cases = new TheoryData<SimdLevel, int, int>();
        foreach (var level in ManagedGemm.SupportedLevels)
            foreach (int m in new[] { 1, 2, 3, 4 })
                foreach (int k in new[] { 64, 2304, 70 }) // 70: not a whole number of vector steps, so B is packed after all
                    cases.Add(level, m, k);
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Rows_equal_those_of_a_packed_product_and_the_naive_one(SimdLevel level, int m, int k)
    {
        const int n = 10, tall = 13; // n: two whole panels of 4 and a partial one
        var random = new Random(m * 1000 + k);
        var a = Enumerable.Range(0, tall * k).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        var b = Enumerable.Range(0, n * k).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        var gemm = new ManagedGemm(level);
        var small = new float[m * n];
        var packed = new float[tall * n];
        var naive = new float[m * n];
        gemm.MultiplyTransposedB(a.AsSpan(0, m * k), b, small, m, n, k);
        gemm.MultiplyTransposedB(a, b, packed, tall, n, k);
        new NaiveGemmBackend().MultiplyTransposedB(a.AsSpan(0, m * k), b, naive, m, n, k);
        Assert.Equal(packed.AsSpan(0, m * n).ToArray(), small);
        for (int i = 0; i < naive.Length; i++)
            Assert.True(Math.Abs(naive[i] - small[i]) <= 1e-4f * (1 + Math.Abs(naive[i])), $"element {i}: {small[i]} vs naive {naive[i]}");
    }

    [Fact]
    public void Accumulating_into_c_reads_b_in_place_too()
    {
        int m = 1, n = 8, k = 2304;
        var random = new Random(3);
        var a = Enumerable.Range(0, m * k).Select(_ => random.NextSingle()).ToArray();
        var b = Enumerable.Range(0, n * k).Select(_ => random.NextSingle()).ToArray();
        var c = Enumerable.Range(0, m * n).Select(i => (float)i).ToArray();
        var expected = new float[m * n];
        new ManagedGemm().MultiplyTransposedB(a, b, expected, m, n, k);
        for (int i = 0; i < expected.Length; i++) expected[i] += i;
        new ManagedGemm().MultiplyTransposedB(a, b, c, m, n, k, accumulate: true);
        // Accumulation adds each k block's partial sums to C in turn, so compare closely rather than bitwise.
        for (int i = 0; i < c.Length; i++) Assert.True(Math.Abs(expected[i] - c[i]) <= 1e-3f, $"element {i}: {c[i]} vs {expected[i]}");
    }
}
