using ProbeMonitor.Kernels;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Kernels;

/// <summary>The vectorised widening against the runtime's scalar definitions, over every bit pattern and every tail length.</summary>
public sealed class FloatConversionVectorTests
{
    private static ushort[] AllPatterns()
    {
        var all = new ushort[65536];
        for (int i = 0; i < all.Length; i++) all[i] = (ushort)i;
        return all;
    }

    [Fact]
    public void BFloat16_widening_is_a_16_bit_shift_for_every_pattern()
    {
        var all = AllPatterns();
        var widened = new float[all.Length];
        FloatConversion.BFloat16ToSingle(all, widened);
        for (int i = 0; i < all.Length; i++)
            Assert.Equal((uint)i << 16, BitConverter.SingleToUInt32Bits(widened[i]));
    }

    [Fact]
    public void Half_widening_is_bit_identical_to_the_runtime_half_for_every_pattern_including_nan_payloads()
    {
        var all = AllPatterns();
        var widened = new float[all.Length];
        FloatConversion.HalfToSingle(all, widened);
        for (int i = 0; i < all.Length; i++)
        {
            uint expected = BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf((ushort)i));
            uint actual = BitConverter.SingleToUInt32Bits(widened[i]);
            if (expected != actual) Assert.Fail($"half 0x{i:X4}: got 0x{actual:X8}, runtime Half gives 0x{expected:X8}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(33)]
    [InlineData(1001)]
    public void Vector_loops_and_scalar_tails_agree_at_every_length_and_offset(int length)
    {
        var random = new Random(length);
        var source = Enumerable.Range(0, length + 3).Select(_ => (ushort)random.Next(65536)).ToArray();
        foreach (int offset in new[] { 0, 1, 3 })
        {
            var slice = source.AsSpan(offset, length);
            var bf = new float[length + 1];
            var half = new float[length + 1];
            bf[^1] = half[^1] = 42f;
            FloatConversion.BFloat16ToSingle(slice, bf);
            FloatConversion.ToSingle(slice, half, HalfKind.Float16);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(BitConverter.Int32BitsToSingle(slice[i] << 16), bf[i]);
                Assert.Equal(BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf(slice[i])), BitConverter.SingleToUInt32Bits(half[i]));
            }
            Assert.Equal(42f, bf[^1]);
            Assert.Equal(42f, half[^1]);
        }
    }

    [Fact]
    public void Short_destination_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => FloatConversion.HalfToSingle(new ushort[4], new float[3]));
        Assert.Contains("destination holds 3", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => FloatConversion.ToSingle(new ushort[1], new float[1], (HalfKind)9));
    }
}
