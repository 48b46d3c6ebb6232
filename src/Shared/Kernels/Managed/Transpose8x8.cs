using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ProbeMonitor.Kernels.Managed;

/// <summary>The 8×8 float transpose the packers use to turn row-major blocks into k-major panels (AVX only).</summary>
internal static unsafe class Transpose8x8
{
    /// <summary>Stores column j of the 8 rows r0..r7 (8 floats, one per row) at <c>destination + j·stride</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(
        Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3,
        Vector256<float> r4, Vector256<float> r5, Vector256<float> r6, Vector256<float> r7,
        float* destination, nint stride)
    {
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        // u_j holds, per 128-bit lane, column j (low lane) and j+4 (high lane) of four rows.
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(u0, u4, 0x20).Store(destination);
        Avx.Permute2x128(u1, u5, 0x20).Store(destination + stride);
        Avx.Permute2x128(u2, u6, 0x20).Store(destination + 2 * stride);
        Avx.Permute2x128(u3, u7, 0x20).Store(destination + 3 * stride);
        Avx.Permute2x128(u0, u4, 0x31).Store(destination + 4 * stride);
        Avx.Permute2x128(u1, u5, 0x31).Store(destination + 5 * stride);
        Avx.Permute2x128(u2, u6, 0x31).Store(destination + 6 * stride);
        Avx.Permute2x128(u3, u7, 0x31).Store(destination + 7 * stride);
    }
}
