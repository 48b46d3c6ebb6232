using System.Buffers;
using System.Runtime.InteropServices;

namespace ProbeMonitor.Kernels.Managed;

/// <summary>The two pooled packing buffers of one task; the task owns them until it disposes this.</summary>
/// <remarks>Pointers are aligned to 64 bytes inside the pinned arrays so that zmm loads from panels never split cache lines.</remarks>
internal sealed unsafe class PanelBuffers : IDisposable
{
    private const int AlignFloats = 16;
    private readonly float[] a;
    private readonly float[] b;
    private GCHandle aHandle;
    private GCHandle bHandle;

    public PanelBuffers(int aFloats, int bFloats)
    {
        a = ArrayPool<float>.Shared.Rent(aFloats + AlignFloats);
        b = ArrayPool<float>.Shared.Rent(bFloats + AlignFloats);
        aHandle = GCHandle.Alloc(a, GCHandleType.Pinned);
        bHandle = GCHandle.Alloc(b, GCHandleType.Pinned);
        A = Align((float*)aHandle.AddrOfPinnedObject());
        B = Align((float*)bHandle.AddrOfPinnedObject());
    }

    /// <summary>Packed A block.</summary>
    public float* A { get; }

    /// <summary>Packed B block or micro-panel.</summary>
    public float* B { get; }

    public void Dispose()
    {
        aHandle.Free();
        bHandle.Free();
        ArrayPool<float>.Shared.Return(a);
        ArrayPool<float>.Shared.Return(b);
    }

    private static float* Align(float* p) => (float*)(((nint)p + 63) & ~(nint)63);
}
