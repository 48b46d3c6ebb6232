namespace ProbeMonitor.Kernels.Managed;

/// <summary>The cache-blocked loop nest around an <see cref="IBroadcastKernel"/>, for C = A·B (or A·Bᵀ, transposed while packing).</summary>
/// <remarks>
/// Goto/BLIS order per task: column block (nc, B block in L2), k block (kc, panels in L1), row block (mc, A block in L2),
/// then micro-tiles. Partial tiles at the edges run on a scratch tile so the kernel itself never branches on shape.
/// </remarks>
internal static unsafe class BroadcastDriver
{
    private const int KC = 256;
    private const int MC = 192;
    private const int NC = 1024;

    public static void Run<TKernel>(GemmProblem problem) where TKernel : IBroadcastKernel
    {
        var grid = TaskGrid.Plan(problem.M, problem.N, problem.K, TKernel.MR, TKernel.NR, MC);
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

    private static void RunTask<TKernel>(GemmProblem p, int row0, int row1, int column0, int column1) where TKernel : IBroadcastKernel
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int kcMax = Math.Min(KC, p.K);
        int mcMax = Math.Min(MC, TaskGrid.RoundUp(row1 - row0, mr));
        int ncMax = Math.Min(NC, TaskGrid.RoundUp(column1 - column0, nr));
        float* scratch = stackalloc float[mr * nr];
        using var buffers = new PanelBuffers(mcMax * kcMax, ncMax * kcMax);
        float* ap = buffers.A, bp = buffers.B;

        for (int jc = column0; jc < column1; jc += NC)
        {
            int nc = Math.Min(NC, column1 - jc);
            for (int pc = 0; pc < p.K; pc += KC)
            {
                int kc = Math.Min(KC, p.K - pc);
                bool add = pc > 0 || p.Accumulate;
                if (p.TransposedB) Packing.BroadcastBTransposed(p.B, p.K, pc, kc, jc, nc, nr, bp);
                else Packing.BroadcastB(p.B, p.N, pc, kc, jc, nc, nr, bp);
                for (int ic = row0; ic < row1; ic += MC)
                {
                    int mc = Math.Min(MC, row1 - ic);
                    Packing.BroadcastA(p.A, p.K, ic, mc, pc, kc, mr, ap);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int columns = Math.Min(nr, nc - jr);
                        float* bPanel = bp + (nint)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* aPanel = ap + (nint)ir * kc;
                            float* c = p.C + (nint)(ic + ir) * p.N + jc + jr;
                            if (rows == mr && columns == nr)
                                TKernel.Run(aPanel, bPanel, kc, c, p.N, add);
                            else
                                EdgeTile<TKernel>(aPanel, bPanel, kc, c, p.N, add, rows, columns, scratch);
                        }
                    }
                }
            }
        }
    }

    private static void EdgeTile<TKernel>(float* a, float* b, int kc, float* c, nint ldc, bool add, int rows, int columns, float* scratch)
        where TKernel : IBroadcastKernel
    {
        int nr = TKernel.NR;
        if (add)
            for (int r = 0; r < rows; r++)
                new ReadOnlySpan<float>(c + r * ldc, columns).CopyTo(new Span<float>(scratch + r * nr, columns));
        TKernel.Run(a, b, kc, scratch, nr, add);
        for (int r = 0; r < rows; r++)
            new ReadOnlySpan<float>(scratch + r * nr, columns).CopyTo(new Span<float>(c + r * ldc, columns));
    }
}
