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
            Transpose8x8.Store(
                Vector256.Load(s), Vector256.Load(s + lda), Vector256.Load(s + 2 * lda), Vector256.Load(s + 3 * lda),
                Vector256.Load(s + 4 * lda), Vector256.Load(s + 5 * lda), Vector256.Load(s + 6 * lda), Vector256.Load(s + 7 * lda),
                panel + (nint)p * 8, 8);
        }
        return p;
    }

    /// <summary>
    /// B[jc..jc+nc, pc..pc+kc] of a B stored [n,k] (row stride <paramref name="ldb"/>) into the same NR-column panels as
    /// <see cref="BroadcastB"/>, transposing 8×8 blocks in registers (and widening 16-bit B on the way in).
    /// </summary>
    public static void BroadcastBTransposed(MatrixSource b, int ldb, int pc, int kc, int jc, int nc, int nr, float* destination)
    {
        nint ld = ldb;
        for (int jr = 0; jr < nc; jr += nr)
        {
            float* panel = destination + (nint)jr * kc;
            int columns = Math.Min(nr, nc - jr);
            int c = 0;
            if (Avx.IsSupported)
            {
                for (; c <= columns - 8; c += 8)
                {
                    nint row = (jc + jr + c) * ld + pc;
                    int p = 0;
                    for (; p <= kc - 8; p += 8)
                    {
                        nint s = row + p;
                        Transpose8x8.Store(
                            b.Load8(s), b.Load8(s + ld), b.Load8(s + 2 * ld), b.Load8(s + 3 * ld),
                            b.Load8(s + 4 * ld), b.Load8(s + 5 * ld), b.Load8(s + 6 * ld), b.Load8(s + 7 * ld),
                            panel + (nint)p * nr + c, nr);
                    }
                    for (; p < kc; p++)
                        for (int i = 0; i < 8; i++) panel[(nint)p * nr + c + i] = b.ReadOne(row + i * ld + p);
                }
            }
            for (; c < columns; c++)
            {
                nint row = (jc + jr + c) * ld + pc;
                for (int p = 0; p < kc; p++) panel[(nint)p * nr + c] = b.ReadOne(row + p);
            }
            for (; c < nr; c++)
                for (int p = 0; p < kc; p++) panel[(nint)p * nr + c] = 0f;
        }
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
