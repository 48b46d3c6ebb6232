namespace ProbeMonitor.Sae.Training;

/// <summary>Splits a range of rows into contiguous chunks run in parallel.</summary>
/// <remarks>
/// Every caller writes each output element from exactly one chunk, in a fixed order, so results do not depend on
/// thread scheduling: training stays bit-for-bit deterministic for a seed.
/// </remarks>
internal static class RowParallel
{
    /// <summary>Runs <paramref name="body"/>(start, end) over [0, count) in chunks of at least <paramref name="grain"/> items.</summary>
    public static void For(int count, int grain, Action<int, int> body)
    {
        if (count <= 0) return;
        int chunks = (int)Math.Min(Environment.ProcessorCount * 4L, (count + (long)grain - 1) / Math.Max(1, grain));
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
