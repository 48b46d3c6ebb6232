using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ProbeMonitor.Kernels.Managed;

/// <summary>
/// Inner-product micro-kernel for C = A·Bᵀ with B stored [n,k]: both operands are contiguous along k, so MR rows of A
/// and NR rows of B are read as vectors along k into MR×NR vector accumulators, reduced horizontally once per kc block.
/// </summary>
/// <remarks>This avoids transposing B while packing, which would cost as much as the arithmetic when m is small.</remarks>
internal unsafe interface IDotKernel
{
    static abstract int MR { get; }
    static abstract int NR { get; }

    /// <summary>Packed rows are padded with zeros to a multiple of this many k.</summary>
    static abstract int KStep { get; }

    /// <summary>tile[r·NR + c] = Σ_k a[r·lda + k]·b[c·ldb + k] for k &lt; <paramref name="kcp"/> (a multiple of KStep).</summary>
    static abstract void Run(float* a, nint lda, float* b, nint ldb, int kcp, float* tile);
}

/// <summary>4×4 tile in 16 zmm accumulators: per 16 k, 8 loads feed 16 FMAs; one shuffle tree reduces all 16 at the end.</summary>
internal readonly unsafe struct DotKernel512 : IDotKernel
{
    public static int MR => 4;
    public static int NR => 4;
    public static int KStep => 16;

    public static void Run(float* a, nint lda, float* b, nint ldb, int kcp, float* tile)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        float* a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda;
        float* b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb;
        for (int p = 0; p < kcp; p += 16)
        {
            var v0 = Vector512.Load(b + p);
            var v1 = Vector512.Load(b1 + p);
            var v2 = Vector512.Load(b2 + p);
            var v3 = Vector512.Load(b3 + p);
            var x = Vector512.Load(a + p);
            c00 = Vector512.FusedMultiplyAdd(x, v0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, v1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, v2, c02);
            c03 = Vector512.FusedMultiplyAdd(x, v3, c03);
            x = Vector512.Load(a1 + p);
            c10 = Vector512.FusedMultiplyAdd(x, v0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, v1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, v2, c12);
            c13 = Vector512.FusedMultiplyAdd(x, v3, c13);
            x = Vector512.Load(a2 + p);
            c20 = Vector512.FusedMultiplyAdd(x, v0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, v1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, v2, c22);
            c23 = Vector512.FusedMultiplyAdd(x, v3, c23);
            x = Vector512.Load(a3 + p);
            c30 = Vector512.FusedMultiplyAdd(x, v0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, v1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, v2, c32);
            c33 = Vector512.FusedMultiplyAdd(x, v3, c33);
        }
        // Ordering v[4·col + row] makes the reduced vector the row-major tile.
        var t0 = Quad(c00, c10, c20, c30);
        var t1 = Quad(c01, c11, c21, c31);
        var t2 = Quad(c02, c12, c22, c32);
        var t3 = Quad(c03, c13, c23, c33);
        var u01 = Avx512F.Shuffle(t0, t1, 0x44) + Avx512F.Shuffle(t0, t1, 0xEE);
        var u23 = Avx512F.Shuffle(t2, t3, 0x44) + Avx512F.Shuffle(t2, t3, 0xEE);
        var w = Avx512F.Shuffle(u01, u23, 0x88) + Avx512F.Shuffle(u01, u23, 0xDD);
        w.Store(tile);
    }

    /// <summary>Folds four vectors so that 128-bit lane j holds four partial sums of the j-th argument.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Quad(Vector512<float> p, Vector512<float> q, Vector512<float> r, Vector512<float> s)
    {
        var pq = Avx512F.Shuffle4x128(p, q, 0x44) + Avx512F.Shuffle4x128(p, q, 0xEE);
        var rs = Avx512F.Shuffle4x128(r, s, 0x44) + Avx512F.Shuffle4x128(r, s, 0xEE);
        return Avx512F.Shuffle4x128(pq, rs, 0x88) + Avx512F.Shuffle4x128(pq, rs, 0xDD);
    }
}

/// <summary>2×4 tile in 8 ymm accumulators (AVX2 has 16 registers): per 8 k, 6 loads feed 8 FMAs.</summary>
internal readonly unsafe struct DotKernel256 : IDotKernel
{
    public static int MR => 2;
    public static int NR => 4;
    public static int KStep => 8;

    public static void Run(float* a, nint lda, float* b, nint ldb, int kcp, float* tile)
    {
        Vector256<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<float> c10 = default, c11 = default, c12 = default, c13 = default;
        float* a1 = a + lda;
        float* b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb;
        for (int p = 0; p < kcp; p += 8)
        {
            var v0 = Vector256.Load(b + p);
            var v1 = Vector256.Load(b1 + p);
            var v2 = Vector256.Load(b2 + p);
            var v3 = Vector256.Load(b3 + p);
            var x = Vector256.Load(a + p);
            c00 = Vector256.FusedMultiplyAdd(x, v0, c00);
            c01 = Vector256.FusedMultiplyAdd(x, v1, c01);
            c02 = Vector256.FusedMultiplyAdd(x, v2, c02);
            c03 = Vector256.FusedMultiplyAdd(x, v3, c03);
            x = Vector256.Load(a1 + p);
            c10 = Vector256.FusedMultiplyAdd(x, v0, c10);
            c11 = Vector256.FusedMultiplyAdd(x, v1, c11);
            c12 = Vector256.FusedMultiplyAdd(x, v2, c12);
            c13 = Vector256.FusedMultiplyAdd(x, v3, c13);
        }
        // Ordering v[2·col + row] makes the reduced vector the row-major tile.
        var t0 = Pair(c00, c10);
        var t1 = Pair(c01, c11);
        var t2 = Pair(c02, c12);
        var t3 = Pair(c03, c13);
        var u01 = Avx.Shuffle(t0, t1, 0x44) + Avx.Shuffle(t0, t1, 0xEE);
        var u23 = Avx.Shuffle(t2, t3, 0x44) + Avx.Shuffle(t2, t3, 0xEE);
        var w = Avx.Shuffle(u01, u23, 0x88) + Avx.Shuffle(u01, u23, 0xDD);
        w.Store(tile);
    }

    /// <summary>Folds two vectors so that 128-bit lane j holds four partial sums of the j-th argument.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pair(Vector256<float> p, Vector256<float> q) =>
        Avx.Permute2x128(p, q, 0x20) + Avx.Permute2x128(p, q, 0x31);
}

/// <summary>2×2 tile over <see cref="Vector{T}"/> for hardware without AVX2.</summary>
internal readonly unsafe struct DotKernelPortable : IDotKernel
{
    public static int MR => 2;
    public static int NR => 2;
    public static int KStep => Vector<float>.Count;

    public static void Run(float* a, nint lda, float* b, nint ldb, int kcp, float* tile)
    {
        Vector<float> c00 = default, c01 = default, c10 = default, c11 = default;
        float* a1 = a + lda;
        float* b1 = b + ldb;
        for (int p = 0; p < kcp; p += Vector<float>.Count)
        {
            var v0 = Vector.Load(b + p);
            var v1 = Vector.Load(b1 + p);
            var x = Vector.Load(a + p);
            c00 = Vector.MultiplyAddEstimate(x, v0, c00);
            c01 = Vector.MultiplyAddEstimate(x, v1, c01);
            x = Vector.Load(a1 + p);
            c10 = Vector.MultiplyAddEstimate(x, v0, c10);
            c11 = Vector.MultiplyAddEstimate(x, v1, c11);
        }
        tile[0] = Vector.Sum(c00);
        tile[1] = Vector.Sum(c01);
        tile[2] = Vector.Sum(c10);
        tile[3] = Vector.Sum(c11);
    }
}
