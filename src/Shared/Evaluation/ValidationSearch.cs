using ProbeMonitor.Estimators;

namespace ProbeMonitor.Evaluation;

/// <summary>Chooses among hyper-parameter candidates by mean validation AUC over splits (first maximum wins, as numpy's argmax).</summary>
public static class ValidationSearch
{
    /// <summary>Scores candidate c on every usable split with <paramref name="score"/> (fit on split.Train, AUC on split.Test);
    /// splits whose training or validation rows hold one class are skipped with a warning.</summary>
    /// <returns>The best candidate and its mean AUC, or (−1, NaN) when no split was usable.</returns>
    public static (int Best, double Score) Choose(int candidates, IReadOnlyList<DataSplit> splits, int[] labels,
        Func<int, DataSplit, double> score, EvaluationLog log, string what)
    {
        var usable = splits.Where(s => BothClasses(labels, s.Train) && BothClasses(labels, s.Test)).ToList();
        if (usable.Count < splits.Count)
            log.Warn($"{what}: {splits.Count - usable.Count} of {splits.Count} validation splits skipped (one class in the training or validation fold).");
        if (usable.Count == 0) return (-1, double.NaN);
        int best = -1;
        double bestScore = double.NaN;
        for (int c = 0; c < candidates; c++)
        {
            double mean = usable.Average(s => score(c, s));
            if (best < 0 || mean > bestScore) (best, bestScore) = (c, mean);
        }
        return (best, bestScore);
    }

    /// <summary>numpy's unique(logspace(0, log2(max), 10, base=2, dtype=int)): the benchmark's PCA-dimension and k-NN grids.</summary>
    /// <remarks>numpy truncates towards zero, so max = 100 gives 99 (2^log2(100) evaluates to 99.99999999999997).</remarks>
    public static int[] IntLogGrid(int max, int count = 10)
    {
        if (max < 1) throw new ArgumentOutOfRangeException(nameof(max), $"the grid needs max ≥ 1, got {max}.");
        double stop = Math.Log2(max), step = stop / (count - 1);
        var values = new SortedSet<int>();
        for (int i = 0; i < count; i++) values.Add((int)Math.Pow(2, i == count - 1 ? stop : i * step));
        return values.ToArray();
    }

    private static bool BothClasses(int[] labels, int[] rows)
    {
        bool zero = false, one = false;
        foreach (int i in rows)
        {
            if (labels[i] == 1) one = true; else zero = true;
            if (zero && one) return true;
        }
        return false;
    }
}
