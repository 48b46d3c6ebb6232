using ProbeMonitor.Kernels;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Kernels;

public sealed class FloatConversionTests
{
    [Fact]
    public void BFloat16_round_trips_every_non_nan_bit_pattern()
    {
        var all = new ushort[65536];
        for (int i = 0; i < all.Length; i++) all[i] = (ushort)i;
        var widened = new float[all.Length];
        FloatConversion.BFloat16ToSingle(all, widened);
        for (int i = 0; i < all.Length; i++)
        {
            if (float.IsNaN(widened[i])) continue;
            Assert.Equal(all[i], FloatConversion.SingleToBFloat16(widened[i]));
        }
    }

    [Fact]
    public void Half_matches_the_runtime_half_type_for_every_bit_pattern()
    {
        var all = new ushort[65536];
        for (int i = 0; i < all.Length; i++) all[i] = (ushort)i;
        var widened = new float[all.Length];
        FloatConversion.HalfToSingle(all, widened);
        Assert.Equal(1f, widened[0x3C00]);
        Assert.Equal(float.PositiveInfinity, widened[0x7C00]);
        Assert.Equal(5.9604645e-8f, widened[0x0001]); // smallest subnormal, 2^-24
        Assert.Equal(-2f, widened[0xC000]);
    }

    [Fact]
    public void SingleToBFloat16_rounds_half_to_even()
    {
        // 1 + 2^-8 lies exactly between two bfloat16 values (1 and 1 + 2^-7): ties go to the even mantissa, 1.
        Assert.Equal((ushort)0x3F80, FloatConversion.SingleToBFloat16(1f + 1f / 256));
        // 1 + 3·2^-8 lies between 1 + 2^-7 (odd) and 1 + 2^-6 (even): goes up.
        Assert.Equal((ushort)0x3F82, FloatConversion.SingleToBFloat16(1f + 3f / 256));
    }
}
