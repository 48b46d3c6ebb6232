namespace ProbeMonitor.Kernels;

/// <summary>Widening of 16-bit floats (bfloat16, IEEE half) to float32, as stored in safetensors and .npy files.</summary>
public static class FloatConversion
{
    /// <summary>bfloat16 is the top half of a float32: widening is a 16-bit shift, exact for every value including NaN and ±Inf.</summary>
    public static unsafe void BFloat16ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"destination holds {destination.Length} floats, source has {source.Length}.");
        fixed (ushort* s = source)
        fixed (float* d = destination)
            HalfWidening.BFloat16Run(s, d, source.Length);
    }

    /// <summary>IEEE 754 binary16 to float32, exact (subnormals, ±Inf and NaN included).</summary>
    public static unsafe void HalfToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"destination holds {destination.Length} floats, source has {source.Length}.");
        fixed (ushort* s = source)
        fixed (float* d = destination)
            HalfWidening.HalfRun(s, d, source.Length);
    }

    /// <summary>Widens 16-bit floats of either <paramref name="kind"/> to float32.</summary>
    public static void ToSingle(ReadOnlySpan<ushort> source, Span<float> destination, HalfKind kind)
    {
        if (kind == HalfKind.BFloat16) BFloat16ToSingle(source, destination);
        else if (kind == HalfKind.Float16) HalfToSingle(source, destination);
        else throw new ArgumentOutOfRangeException(nameof(kind), $"unknown 16-bit float kind {(int)kind}.");
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
