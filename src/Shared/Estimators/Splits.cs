namespace ProbeMonitor.Estimators;

/// <summary>Train/validation split generators: stratified k-fold, leave-p-out and a fixed holdout, plus the sparse-probing benchmark's choice among them.</summary>
public static class Splits
{
    /// <summary>
    /// Stratified k-fold with shuffling, built like scikit-learn's StratifiedKFold(shuffle=True): the sorted labels are dealt
    /// round-robin to fix how many of each class every fold receives, then each class's fold assignments are shuffled and
    /// given to that class's rows in order. The shuffles use <c>new Random(seed)</c>, so folds are reproducible here but are
    /// not numpy's; pass these splits to a peer to compare on the same folds.
    /// </summary>
    public static IReadOnlyList<DataSplit> StratifiedKFold(ReadOnlySpan<int> y, int folds, int seed)
    {
        int n = y.Length;
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), $"need at least 2 folds, got {folds}.");
        if (folds > n) throw new ArgumentException($"cannot make {folds} folds from {n} samples.", nameof(y));
        var classes = y.ToArray().Distinct().Order().ToArray();
        var sorted = y.ToArray();
        Array.Sort(sorted);
        var allocation = new int[folds, classes.Length];
        for (int i = 0; i < n; i++) allocation[i % folds, Array.BinarySearch(classes, sorted[i])]++;
        var rng = new Random(seed);
        var testFold = new int[n];
        for (int c = 0; c < classes.Length; c++)
        {
            var assignment = new List<int>();
            for (int f = 0; f < folds; f++) assignment.AddRange(Enumerable.Repeat(f, allocation[f, c]));
            var shuffled = assignment.ToArray();
            rng.Shuffle(shuffled);
            int next = 0;
            for (int i = 0; i < n; i++)
                if (y[i] == classes[c]) testFold[i] = shuffled[next++];
        }
        var splits = new DataSplit[folds];
        for (int f = 0; f < folds; f++)
        {
            var test = Enumerable.Range(0, n).Where(i => testFold[i] == f).ToArray();
            var train = Enumerable.Range(0, n).Where(i => testFold[i] != f).ToArray();
            splits[f] = new DataSplit(train, test);
        }
        return splits;
    }

    /// <summary>Every way of holding out <paramref name="p"/> rows (scikit-learn's LeavePOut), in lexicographic order of the held-out set.</summary>
    public static IReadOnlyList<DataSplit> LeavePOut(int n, int p = 2)
    {
        if (p < 1 || p >= n) throw new ArgumentOutOfRangeException(nameof(p), $"need 1 ≤ p < n, got p = {p}, n = {n}.");
        if (n > 64) throw new ArgumentOutOfRangeException(nameof(n), $"leave-{p}-out over {n} rows makes too many splits; it is meant for tiny sets.");
        var result = new List<DataSplit>();
        var held = Enumerable.Range(0, p).ToArray();
        while (true)
        {
            var test = (int[])held.Clone();
            result.Add(new DataSplit(Enumerable.Range(0, n).Except(test).ToArray(), test));
            int k = p - 1;
            while (k >= 0 && held[k] == n - p + k) k--;
            if (k < 0) return result;
            held[k]++;
            for (int j = k + 1; j < p; j++) held[j] = held[j - 1] + 1;
        }
    }

    /// <summary>The last min(⌊fraction·n⌋, maxHeldOut) rows held out, the rest for training (no shuffling: the caller's order decides).</summary>
    public static DataSplit Holdout(int n, double fraction = 0.2, int maxHeldOut = 100)
    {
        if (!(fraction > 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), $"must be in (0, 1), got {fraction}.");
        int held = Math.Min((int)(fraction * n), maxHeldOut);
        if (held < 1 || held >= n) throw new ArgumentException($"a holdout of {held} from {n} rows leaves nothing to train or to validate.", nameof(n));
        return new DataSplit(Enumerable.Range(0, n - held).ToArray(), Enumerable.Range(n - held, held).ToArray());
    }

    /// <summary>
    /// The sparse-probing benchmark's validation rule (Kantamneni et al. 2025): n ≤ 12 → leave-two-out; n &lt; 128 →
    /// stratified 6-fold (shuffled, seeded); otherwise hold out the last min(20 %, 100) rows. Splits whose validation rows
    /// hold one class only are dropped (the benchmark does so for the first two; here the holdout is filtered too, since its
    /// AUC would be undefined).
    /// </summary>
    public static IReadOnlyList<DataSplit> SparseProbing(ReadOnlySpan<int> y, int seed = 42)
    {
        int n = y.Length;
        if (n < 4) throw new ArgumentException($"cross-validation needs at least 4 rows, got {n}.", nameof(y));
        var candidates = n <= 12 ? LeavePOut(n, 2) : n < 128 ? StratifiedKFold(y, 6, seed) : [Holdout(n)];
        var labels = y.ToArray();
        return candidates.Where(s => s.Test.Any(i => labels[i] == 0) && s.Test.Any(i => labels[i] == 1)).ToList();
    }
}
