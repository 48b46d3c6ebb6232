namespace ProbeMonitor.Kernels.Managed;

/// <summary>The cache-blocked loop nest around an <see cref="IDotKernel"/>, for C = A·Bᵀ with B stored [n,k].</summary>
/// <remarks>
/// k blocks are long (each horizontal reduction is then amortised over many FMAs); the A block of a task stays in L2,
/// and each NR-row B micro-panel is packed (and widened) once per A block and then reused from L1 by every row tile.
/// A block of one row tile (a single request scored alone) reads float B in place, as packing would only copy it.
/// </remarks>
internal static unsafe class DotDriver
{
    /// <summary>Longest k block: NR rows of B and MR rows of A then fill about L1.</summary>
    private const int MaxKC = 1536;

    /// <summary>Floats in the packed A block of a task (1 MiB: half of a 2 MiB L2).</summary>
    private const int ABlockFloats = 1 << 18;

    public static void Run<TKernel>(GemmProblem problem) where TKernel : IDotKernel
    {
        int mc = RowBlock<TKernel>(KBlock<TKernel>(problem.K));
        var grid = TaskGrid.Plan(problem.M, problem.N, problem.K, TKernel.MR, TKernel.NR, mc);
        if (grid.Count == 1)
        {
            RunTask<TKernel>(problem, 0, problem.M, 0, problem.N);
            return;
        }
        Parallel.For(0, grid.Count, task =>
        {
            var (row0, row1, column0, column1) = grid.Bounds(task, problem.M, problem.N);
            RunTask<TKernel>(problem, row0, row1, column0, column1);
        });
    }

    /// <summary>Splits k into near-equal blocks of at most about <see cref="MaxKC"/>, each a multiple of KStep but the last.</summary>
    private static int KBlock<TKernel>(int k) where TKernel : IDotKernel =>
        TaskGrid.RoundUp(TaskGrid.CeilDiv(k, TaskGrid.CeilDiv(k, MaxKC)), TKernel.KStep);

    private static int RowBlock<TKernel>(int kcp) where TKernel : IDotKernel =>
        Math.Max(TKernel.MR, ABlockFloats / kcp / TKernel.MR * TKernel.MR);

    private static void RunTask<TKernel>(GemmProblem p, int row0, int row1, int column0, int column1) where TKernel : IDotKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int kcBlock = KBlock<TKernel>(p.K), kcpMax = kcBlock;
        int mcMax = Math.Min(RowBlock<TKernel>(kcpMax), TaskGrid.RoundUp(row1 - row0, mr));
        float* tile = stackalloc float[mr * nr];
        using var buffers = new PanelBuffers(mcMax * kcpMax, nr * kcpMax);
        float* ap = buffers.A, bp = buffers.B;
        var a = new MatrixSource(p.A);

        for (int pc = 0; pc < p.K; pc += kcBlock)
        {
            int kc = Math.Min(kcBlock, p.K - pc);
            int kcp = TaskGrid.RoundUp(kc, TKernel.KStep);
            bool overwrite = pc == 0 && !p.Accumulate;
            for (int ic = row0; ic < row1; ic += mcMax)
            {
                int rows = Math.Min(mcMax, row1 - ic);
                Packing.Rows(a, p.K, ic, rows, TaskGrid.RoundUp(rows, mr), pc, kc, kcp, ap);
                // With a single row tile each B panel would be packed to be read once: read float B where it lies instead,
                // when the block needs no zero padding. The kernel then sees the same values, so the results are identical.
                bool direct = p.B.Floats != null && kc == kcp && rows <= mr;
                for (int jr = column0; jr < column1; jr += nr)
                {
                    int columns = Math.Min(nr, column1 - jr);
                    float* panel = bp;
                    nint ldb = kcp;
                    if (direct && columns == nr)
                    {
                        panel = p.B.Floats + (nint)jr * p.K + pc;
                        ldb = p.K;
                    }
                    else
                    {
                        Packing.Rows(p.B, p.K, jr, columns, nr, pc, kc, kcp, bp);
                    }
                    for (int ir = 0; ir < rows; ir += mr)
                    {
                        TKernel.Run(ap + (nint)ir * kcp, kcp, panel, ldb, kcp, tile);
                        int tileRows = Math.Min(mr, rows - ir);
                        for (int r = 0; r < tileRows; r++)
                        {
                            float* c = p.C + (nint)(ic + ir + r) * p.N + jr;
                            float* t = tile + r * nr;
                            if (overwrite)
                                for (int j = 0; j < columns; j++) c[j] = t[j];
                            else
                                for (int j = 0; j < columns; j++) c[j] += t[j];
                        }
                    }
                }
            }
        }
    }
}
