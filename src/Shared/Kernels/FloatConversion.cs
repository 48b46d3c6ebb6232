namespace ProbeMonitor.Kernels;

/// <summary>Widening of 16-bit floats (bfloat16, IEEE half) to float32, as stored in safetensors and .npy files.</summary>
public static class FloatConversion
{
    /// <summary>bfloat16 is the top half of a float32: widening is a 16-bit shift, exact for every value including NaN and ±Inf.</summary>
    public static void BFloat16ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"destination holds {destination.Length} floats, source has {source.Length}.");
        for (int i = 0; i < source.Length; i++)
            destination[i] = BitConverter.Int32BitsToSingle(source[i] << 16);
    }

    /// <summary>IEEE 754 binary16 to float32, exact (subnormals, ±Inf and NaN included).</summary>
    public static void HalfToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"destination holds {destination.Length} floats, source has {source.Length}.");
        for (int i = 0; i < source.Length; i++)
            destination[i] = (float)BitConverter.UInt16BitsToHalf(source[i]);
    }

    /// <summary>float32 to bfloat16 with round-to-nearest-even (NaN stays NaN), as PyTorch's <c>.to(torch.bfloat16)</c>.</summary>
    public static ushort SingleToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + rounding) >> 16);
    }
}
