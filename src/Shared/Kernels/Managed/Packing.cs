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
            for (int r = 0; r < rows; r++)
            {
                float* source = a + (nint)(ic + ir + r) * lda + pc;
                float* d = panel + r;
                for (int p = 0; p < kc; p++, d += mr) *d = source[p];
            }
            for (int r = rows; r < mr; r++)
            {
                float* d = panel + r;
                for (int p = 0; p < kc; p++, d += mr) *d = 0f;
            }
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
