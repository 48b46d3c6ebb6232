namespace ProbeMonitor.Evaluation;

/// <summary>A seeded stratified split of one file into training and held-out rows (each class contributes ⌈fraction·count⌉ held-out rows).</summary>
public static class StratifiedHoldout
{
    /// <summary>Splits row indices 0…n−1; both parts keep ascending order.</summary>
    /// <exception cref="ArgumentException">A class has fewer than two rows, so one part would lack it.</exception>
    public static Estimators.DataSplit Split(ReadOnlySpan<int> labels, double fraction, int seed)
    {
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), $"the held-out fraction must be in (0, 1), got {fraction}.");
        var y = labels.ToArray();
        var rng = new Random(seed);
        var held = new List<int>();
        foreach (int label in new[] { 0, 1 })
        {
            var rows = Enumerable.Range(0, y.Length).Where(i => y[i] == label).ToArray();
            if (rows.Length < 2)
                throw new ArgumentException($"class {label} has {rows.Length} row(s); a stratified split needs at least 2 of each class.", nameof(labels));
            rng.Shuffle(rows);
            int take = Math.Clamp((int)Math.Ceiling(fraction * rows.Length), 1, rows.Length - 1);
            held.AddRange(rows[..take]);
        }
        var test = held.Order().ToArray();
        var inTest = new HashSet<int>(test);
        return new Estimators.DataSplit(Enumerable.Range(0, y.Length).Where(i => !inTest.Contains(i)).ToArray(), test);
    }

    /// <summary>The validation fold of each row for stratified k-fold (rows of fold f are splits[f].Test).</summary>
    public static int[] FoldIds(IReadOnlyList<Estimators.DataSplit> folds, int rows)
    {
        var id = Enumerable.Repeat(-1, rows).ToArray();
        for (int f = 0; f < folds.Count; f++)
            foreach (int i in folds[f].Test) id[i] = f;
        if (id.Contains(-1)) throw new ArgumentException("the folds do not cover every row.", nameof(folds));
        return id;
    }
}
