namespace ProbeMonitor.Kernels.Managed;

/// <summary>Splits C into row blocks × column blocks, each a task with its own packing buffers.</summary>
/// <remarks>
/// Row blocks follow the L2-sized A block so that no task packs more A than it keeps hot; column blocks then make up
/// several tasks per core, so a core slowed by another process does not leave the other idle at the end.
/// </remarks>
internal readonly record struct TaskGrid(int RowBlock, int ColumnBlock, int RowBlocks, int ColumnBlocks)
{
    /// <summary>Products below this many multiply-adds run on the calling thread: forking costs more than it saves.</summary>
    public const long ParallelThreshold = 1L << 20;

    private const int TasksPerCore = 4;

    public int Count => RowBlocks * ColumnBlocks;

    public static TaskGrid Plan(int m, int n, int k, int mr, int nr, int mc)
    {
        int cores = Environment.ProcessorCount;
        if (cores == 1 || GemmThreading.IsCallingThreadOnly || (long)m * n * k < ParallelThreshold) return new TaskGrid(m, n, 1, 1);

        int rowBlocks = CeilDiv(m, mc);
        int rowBlock = RoundUp(CeilDiv(m, rowBlocks), mr);
        rowBlocks = CeilDiv(m, rowBlock);

        int columnTiles = CeilDiv(n, nr);
        int columnBlocks = Math.Clamp(CeilDiv(cores * TasksPerCore, rowBlocks), 1, columnTiles);
        int columnBlock = nr * CeilDiv(columnTiles, columnBlocks);
        columnBlocks = CeilDiv(n, columnBlock);
        return new TaskGrid(rowBlock, columnBlock, rowBlocks, columnBlocks);
    }

    /// <summary>The half-open row and column ranges of task <paramref name="task"/>.</summary>
    public (int Row0, int Row1, int Column0, int Column1) Bounds(int task, int m, int n)
    {
        int r = task / ColumnBlocks, c = task % ColumnBlocks;
        int row0 = r * RowBlock, column0 = c * ColumnBlock;
        return (row0, Math.Min(m, row0 + RowBlock), column0, Math.Min(n, column0 + ColumnBlock));
    }

    public static int CeilDiv(int x, int y) => (x + y - 1) / y;

    public static int RoundUp(int x, int multiple) => CeilDiv(x, multiple) * multiple;
}
