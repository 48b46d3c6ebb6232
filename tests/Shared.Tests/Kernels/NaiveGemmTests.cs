using ProbeMonitor.Kernels;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Kernels;

public sealed class NaiveGemmTests
{
    [Fact]
    public void Two_by_two_products_match_hand_computation()
    {
        float[] a = [1, 2, 3, 4];          // [[1,2],[3,4]]
        float[] b = [5, 6, 7, 8];          // [[5,6],[7,8]]
        var c = new float[4];
        NaiveGemm.Multiply(a, b, c, 2, 2, 2);
        Assert.Equal([19f, 22f, 43f, 50f], c);
        NaiveGemm.MultiplyTransposedB(a, b, c, 2, 2, 2);
        Assert.Equal([17f, 23f, 39f, 53f], c);
    }

    [Fact]
    public void Facade_rejects_short_buffers_naming_the_operand()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Multiply(new float[3], new float[4], new float[4], 2, 2, 2));
        Assert.Contains("A holds 3", ex.Message);
    }
}
