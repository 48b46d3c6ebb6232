namespace ProbeMonitor.Sae.Training;

/// <summary>Splits a range of rows into contiguous chunks run in parallel, when there is enough work to pay for it.</summary>
/// <remarks>
/// Every caller writes each output element from exactly one chunk, in a fixed order, so results do not depend on
/// thread scheduling: training stays bit-for-bit deterministic for a seed. Small problems (a test's 128×32 batch) run
/// inline: handing microseconds of work to the thread pool costs more than it saves on a busy machine.
/// </remarks>
internal static class RowParallel
{
    /// <summary>Roughly the work (multiply-adds or floats touched) below which a chunk is not worth a thread.</summary>
    private const long MinChunkCost = 1 << 16;

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, count), each item costing about <paramref name="costPerItem"/>.</summary>
    public static void For(int count, long costPerItem, Action<int, int> body)
    {
        if (count <= 0) return;
        long total = count * Math.Max(1, costPerItem);
        int chunks = (int)Math.Min(Math.Min(Environment.ProcessorCount * 4L, total / MinChunkCost), count);
        if (chunks <= 1 || Environment.ProcessorCount == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, chunks, c =>
        {
            int start = (int)((long)count * c / chunks), end = (int)((long)count * (c + 1) / chunks);
            if (end > start) body(start, end);
        });
    }
}
