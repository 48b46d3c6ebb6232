using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ProbeMonitor.Kernels.Managed;

/// <summary>Copies blocks of the operands into the contiguous, zero-padded panels the micro-kernels stream through.</summary>
/// <remarks>Packing is where 16-bit B is widened: each element once per block, never the whole matrix.</remarks>
internal static unsafe class Packing
{
    /// <summary>A[ic..ic+mc, pc..pc+kc] (row stride <paramref name="lda"/>) into MR-row panels holding, per k, MR values.</summary>
    public static void BroadcastA(float* a, int lda, int ic, int mc, int pc, int kc, int mr, float* destination)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            float* panel = destination + (nint)ir * kc;
            int rows = Math.Min(mr, mc - ir);
            int done = 0;
            if (mr == 8 && rows == 8 && Avx.IsSupported)
                done = BroadcastA8(a + (nint)(ic + ir) * lda + pc, lda, kc, panel);
            for (int r = 0; r < rows; r++)
            {
                float* source = a + (nint)(ic + ir + r) * lda + pc;
                float* d = panel + (nint)done * mr + r;
                for (int p = done; p < kc; p++, d += mr) *d = source[p];
            }
            for (int r = rows; r < mr; r++)
            {
                float* d = panel + r;
                for (int p = 0; p < kc; p++, d += mr) *d = 0f;
            }
        }
    }

    /// <summary>Packs 8 full rows by 8×8 in-register transposes; returns how many k it packed (the rest is left to the caller).</summary>
    private static int BroadcastA8(float* a, nint lda, int kc, float* panel)
    {
        int p = 0;
        for (; p <= kc - 8; p += 8)
        {
            float* s = a + p;
            var t0 = Avx.UnpackLow(Vector256.Load(s), Vector256.Load(s + lda));
            var t1 = Avx.UnpackHigh(Vector256.Load(s), Vector256.Load(s + lda));
            var t2 = Avx.UnpackLow(Vector256.Load(s + 2 * lda), Vector256.Load(s + 3 * lda));
            var t3 = Avx.UnpackHigh(Vector256.Load(s + 2 * lda), Vector256.Load(s + 3 * lda));
            var t4 = Avx.UnpackLow(Vector256.Load(s + 4 * lda), Vector256.Load(s + 5 * lda));
            var t5 = Avx.UnpackHigh(Vector256.Load(s + 4 * lda), Vector256.Load(s + 5 * lda));
            var t6 = Avx.UnpackLow(Vector256.Load(s + 6 * lda), Vector256.Load(s + 7 * lda));
            var t7 = Avx.UnpackHigh(Vector256.Load(s + 6 * lda), Vector256.Load(s + 7 * lda));
            // u_j holds, per 128-bit lane, column j (low lane) and j+4 (high lane) of four rows.
            var u0 = Avx.Shuffle(t0, t2, 0x44);
            var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44);
            var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, t6, 0x44);
            var u5 = Avx.Shuffle(t4, t6, 0xEE);
            var u6 = Avx.Shuffle(t5, t7, 0x44);
            var u7 = Avx.Shuffle(t5, t7, 0xEE);
            float* d = panel + (nint)p * 8;
            Avx.Permute2x128(u0, u4, 0x20).Store(d);
            Avx.Permute2x128(u1, u5, 0x20).Store(d + 8);
            Avx.Permute2x128(u2, u6, 0x20).Store(d + 16);
            Avx.Permute2x128(u3, u7, 0x20).Store(d + 24);
            Avx.Permute2x128(u0, u4, 0x31).Store(d + 32);
            Avx.Permute2x128(u1, u5, 0x31).Store(d + 40);
            Avx.Permute2x128(u2, u6, 0x31).Store(d + 48);
            Avx.Permute2x128(u3, u7, 0x31).Store(d + 56);
        }
        return p;
    }

    /// <summary>B[pc..pc+kc, jc..jc+nc] (row stride <paramref name="ldb"/>) into NR-column panels holding, per k, NR values.</summary>
    public static void BroadcastB(MatrixSource b, int ldb, int pc, int kc, int jc, int nc, int nr, float* destination)
    {
        for (int p = 0; p < kc; p++)
        {
            nint row = (nint)(pc + p) * ldb + jc;
            for (int jr = 0; jr < nc; jr += nr)
            {
                float* d = destination + (nint)jr * kc + (nint)p * nr;
                int columns = Math.Min(nr, nc - jr);
                b.Read(row + jr, d, columns);
                for (int c = columns; c < nr; c++) d[c] = 0f;
            }
        }
    }

    /// <summary>
    /// Rows r0..r0+rows, columns pc..pc+kc of a row-major matrix (row stride <paramref name="ld"/>) into
    /// destination[r·kcp + k], zero-padding k up to <paramref name="kcp"/> and rows up to <paramref name="paddedRows"/>.
    /// </summary>
    public static void Rows(MatrixSource source, int ld, int r0, int rows, int paddedRows, int pc, int kc, int kcp, float* destination)
    {
        for (int r = 0; r < paddedRows; r++)
        {
            float* d = destination + (nint)r * kcp;
            int filled = 0;
            if (r < rows)
            {
                source.Read((nint)(r0 + r) * ld + pc, d, kc);
                filled = kc;
            }
            new Span<float>(d + filled, kcp - filled).Clear();
        }
    }
}
