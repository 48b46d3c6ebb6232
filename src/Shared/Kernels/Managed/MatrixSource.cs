using System.Runtime.CompilerServices;

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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Read(nint offset, float* destination, int count)
    {
        if (floats != null) HalfWidening.Copy(floats + offset, destination, count);
        else HalfWidening.Widen(halves + offset, destination, count, kind);
    }
}
