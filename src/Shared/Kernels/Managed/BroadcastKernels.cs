using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ProbeMonitor.Kernels.Managed;

/// <summary>
/// Outer-product micro-kernel for C = A·B with B stored [k,n]: per k it broadcasts MR packed values of A and multiplies
/// them with NR contiguous values of packed B, keeping the MR×NR tile of C in registers for the whole kc loop.
/// </summary>
/// <remarks>Packed A holds, for each k, MR values (one per row); packed B holds, for each k, NR values (one per column).</remarks>
internal unsafe interface IBroadcastKernel
{
    static abstract int MR { get; }
    static abstract int NR { get; }

    /// <summary>C[MR,NR] (row stride <paramref name="ldc"/>) = (<paramref name="add"/> ? C : 0) + Ap·Bp over <paramref name="kc"/>.</summary>
    static abstract void Run(float* a, float* b, int kc, float* c, nint ldc, bool add);
}

/// <summary>8×32 tile in 16 zmm accumulators: per k, 2 loads + 8 broadcasts feed 16 FMAs; 16-row products fill whole tiles.</summary>
internal readonly unsafe struct BroadcastKernel512 : IBroadcastKernel
{
    public static int MR => 8;
    public static int NR => 32;

    public static void Run(float* a, float* b, int kc, float* c, nint ldc, bool add)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var a0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(a6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(a7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 32;
        }
        Row(c, c00, c01, add);
        Row(c + 1 * ldc, c10, c11, add);
        Row(c + 2 * ldc, c20, c21, add);
        Row(c + 3 * ldc, c30, c31, add);
        Row(c + 4 * ldc, c40, c41, add);
        Row(c + 5 * ldc, c50, c51, add);
        Row(c + 6 * ldc, c60, c61, add);
        Row(c + 7 * ldc, c70, c71, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* c, Vector512<float> v0, Vector512<float> v1, bool add)
    {
        if (add)
        {
            v0 += Vector512.Load(c);
            v1 += Vector512.Load(c + 16);
        }
        v0.Store(c);
        v1.Store(c + 16);
    }
}

/// <summary>6×16 tile in 12 ymm accumulators, leaving 4 of AVX2's 16 registers for operands.</summary>
internal readonly unsafe struct BroadcastKernel256 : IBroadcastKernel
{
    public static int MR => 6;
    public static int NR => 16;

    public static void Run(float* a, float* b, int kc, float* c, nint ldc, bool add)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }
        Row(c, c00, c01, add);
        Row(c + ldc, c10, c11, add);
        Row(c + 2 * ldc, c20, c21, add);
        Row(c + 3 * ldc, c30, c31, add);
        Row(c + 4 * ldc, c40, c41, add);
        Row(c + 5 * ldc, c50, c51, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* c, Vector256<float> v0, Vector256<float> v1, bool add)
    {
        if (add)
        {
            v0 += Vector256.Load(c);
            v1 += Vector256.Load(c + 8);
        }
        v0.Store(c);
        v1.Store(c + 8);
    }
}

/// <summary>4×(2·W) tile over <see cref="Vector{T}"/> (W lanes) for hardware without AVX2; multiply-add may be unfused.</summary>
internal readonly unsafe struct BroadcastKernelPortable : IBroadcastKernel
{
    public static int MR => 4;
    public static int NR => 2 * Vector<float>.Count;

    public static void Run(float* a, float* b, int kc, float* c, nint ldc, bool add)
    {
        int w = Vector<float>.Count;
        Vector<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector.Load(b);
            var b1 = Vector.Load(b + w);
            var a0 = new Vector<float>(a[0]);
            c00 = Vector.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector.MultiplyAddEstimate(a0, b1, c01);
            var a1 = new Vector<float>(a[1]);
            c10 = Vector.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector.MultiplyAddEstimate(a1, b1, c11);
            var a2 = new Vector<float>(a[2]);
            c20 = Vector.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector.MultiplyAddEstimate(a2, b1, c21);
            var a3 = new Vector<float>(a[3]);
            c30 = Vector.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector.MultiplyAddEstimate(a3, b1, c31);
            a += 4;
            b += 2 * w;
        }
        Row(c, c00, c01, add);
        Row(c + ldc, c10, c11, add);
        Row(c + 2 * ldc, c20, c21, add);
        Row(c + 3 * ldc, c30, c31, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* c, Vector<float> v0, Vector<float> v1, bool add)
    {
        int w = Vector<float>.Count;
        if (add)
        {
            v0 += Vector.Load(c);
            v1 += Vector.Load(c + w);
        }
        v0.Store(c);
        v1.Store(c + w);
    }
}
