using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ProbeMonitor.Kernels.Managed;

/// <summary>A pinned row-major operand read by the packers: either float32 or raw 16-bit floats widened on the way into a panel.</summary>
internal readonly unsafe struct MatrixSource
{
    private readonly float* floats;
    private readonly ushort* halves;
    private readonly HalfKind kind;

    public MatrixSource(float* floats)
    {
        this.floats = floats;
    }

    public MatrixSource(ushort* halves, HalfKind kind)
    {
        this.halves = halves;
        this.kind = kind;
    }

    /// <summary>Writes <paramref name="count"/> consecutive elements starting at <paramref name="offset"/> as floats.</summary>
    /// <summary>The float elements, or null when the source holds 16-bit values (which must be widened, so packed).</summary>
    public float* Floats => floats;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Read(nint offset, float* destination, int count)
    {
        if (floats != null) HalfWidening.Copy(floats + offset, destination, count);
        else HalfWidening.Widen(halves + offset, destination, count, kind);
    }

    /// <summary>Eight consecutive elements starting at <paramref name="offset"/>, as floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Load8(nint offset)
    {
        if (floats != null) return Vector256.Load(floats + offset);
        var bits = Vector256.WidenLower(Vector128.Load(halves + offset).ToVector256Unsafe());
        return kind == HalfKind.BFloat16 ? HalfWidening.BFloat16(bits) : HalfWidening.Half(bits);
    }

    /// <summary>The element at <paramref name="offset"/>, as a float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float ReadOne(nint offset)
    {
        if (floats != null) return floats[offset];
        ushort bits = halves[offset];
        return kind == HalfKind.BFloat16 ? BitConverter.Int32BitsToSingle(bits << 16) : (float)BitConverter.UInt16BitsToHalf(bits);
    }
}
