using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ProbeMonitor.Kernels;

/// <summary>Vectorised widening of runs of 16-bit floats, shared by <see cref="FloatConversion"/> and the GEMM packers.</summary>
/// <remarks>
/// Both formats are widened with integer shifts only, so the result is bit-exact with the scalar definitions:
/// bfloat16 is a 16-bit shift; binary16 moves exponent and mantissa into place and rescales by 2^112 with one exact
/// multiply (which also normalises subnormals), then patches Inf/NaN (quieting signalling NaNs as the runtime's Half does).
/// </remarks>
internal static unsafe class HalfWidening
{
    private const uint HalfMagnitudeMask = 0x7FFF;
    private const uint HalfInfinityBits = 0x7C00;
    private const uint RescaleBits = 0x77800000; // 2^112 = 2^(127-15)
    private const uint SingleExponentBits = 0x7F800000;
    private const uint SingleQuietBit = 0x00400000;

    /// <summary>Widens <paramref name="count"/> values from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Widen(ushort* source, float* destination, int count, HalfKind kind)
    {
        if (kind == HalfKind.BFloat16) BFloat16Run(source, destination, count);
        else HalfRun(source, destination, count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BFloat16Run(ushort* source, float* destination, int count)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - 16; i += 16)
                BFloat16(Vector512.WidenLower(Vector256.Load(source + i).ToVector512Unsafe())).Store(destination + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - 8; i += 8)
                BFloat16(Vector256.WidenLower(Vector128.Load(source + i).ToVector256Unsafe())).Store(destination + i);
        }
        for (; i < count; i++) destination[i] = BitConverter.Int32BitsToSingle(source[i] << 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void HalfRun(ushort* source, float* destination, int count)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - 16; i += 16)
                Half(Vector512.WidenLower(Vector256.Load(source + i).ToVector512Unsafe())).Store(destination + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - 8; i += 8)
                Half(Vector256.WidenLower(Vector128.Load(source + i).ToVector256Unsafe())).Store(destination + i);
        }
        for (; i < count; i++) destination[i] = (float)BitConverter.UInt16BitsToHalf(source[i]);
    }

    /// <summary>Copies a run of floats with vector moves (Memmove's call overhead dominates for the short runs of packing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(float* source, float* destination, int count)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= count - 16; i += 16) Vector512.Load(source + i).Store(destination + i);
        for (; i <= count - 8; i += 8) Vector256.Load(source + i).Store(destination + i);
        for (; i < count; i++) destination[i] = source[i];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> BFloat16(Vector512<uint> bits) => Vector512.ShiftLeft(bits, 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> BFloat16(Vector256<uint> bits) => Vector256.ShiftLeft(bits, 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Half(Vector512<uint> bits)
    {
        var magnitude = bits & Vector512.Create(HalfMagnitudeMask);
        var shifted = Vector512.ShiftLeft(magnitude, 13);
        var finite = (shifted.AsSingle() * Vector512.Create(RescaleBits).AsSingle()).AsUInt32();
        var special = shifted | Vector512.Create(SingleExponentBits)
            | (Vector512.GreaterThan(magnitude, Vector512.Create(HalfInfinityBits)) & Vector512.Create(SingleQuietBit));
        var isSpecial = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(HalfInfinityBits));
        var sign = Vector512.ShiftLeft(bits & Vector512.Create(0x8000u), 16);
        return (Vector512.ConditionalSelect(isSpecial, special, finite) | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Half(Vector256<uint> bits)
    {
        var magnitude = bits & Vector256.Create(HalfMagnitudeMask);
        var shifted = Vector256.ShiftLeft(magnitude, 13);
        var finite = (shifted.AsSingle() * Vector256.Create(RescaleBits).AsSingle()).AsUInt32();
        var special = shifted | Vector256.Create(SingleExponentBits)
            | (Vector256.GreaterThan(magnitude, Vector256.Create(HalfInfinityBits)) & Vector256.Create(SingleQuietBit));
        var isSpecial = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(HalfInfinityBits));
        var sign = Vector256.ShiftLeft(bits & Vector256.Create(0x8000u), 16);
        return (Vector256.ConditionalSelect(isSpecial, special, finite) | sign).AsSingle();
    }
}
