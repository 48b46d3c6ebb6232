namespace ProbeMonitor.Evaluation;

/// <summary>The sparse-probing benchmark's hard regimes.</summary>
public enum Regime
{
    /// <summary>Only the normal setting.</summary>
    None,

    /// <summary>Data scarcity: balanced training sets of 2…1024 examples.</summary>
    Scarcity,

    /// <summary>Class imbalance: positive share 0.05…0.95 in training (and test) sets.</summary>
    Imbalance,

    /// <summary>Label noise: 0…50 % of the training labels flipped.</summary>
    Noise,
}

/// <summary>One training (and test) configuration of a regime: which rows to use and, for label noise, the corrupted labels.</summary>
/// <param name="Setting">"normal", "scarcity", "imbalance" or "noise".</param>
/// <param name="Value">The regime's parameter (training size, positive share, flipped fraction); null for normal.</param>
/// <param name="TrainRows">Rows of the training file, in training order.</param>
/// <param name="TestRows">Rows of the test file, or null for all of them.</param>
/// <param name="TrainLabels">Replacement training labels (aligned with <paramref name="TrainRows"/>), or null for the file's.</param>
public sealed record RegimeSetting(string Setting, double? Value, int[] TrainRows, int[]? TestRows = null, int[]? TrainLabels = null);

/// <summary>Builds the regime settings exactly on the benchmark's grids, with seeded sampling (System.Random, so the draws are not numpy's).</summary>
/// <remarks>
/// Grids (utils_data.py): sizes unique(round(logspace(1, 10, 20, base 2))); positive shares linspace(0.05, 0.95, 19);
/// flipped fractions linspace(0, 0.5, 11). Here the test set is a separate file: scarcity and noise keep it whole;
/// imbalance draws from it the largest set with the same positive share, as the benchmark draws its test set at that share.
/// Scarcity sizes that the training file cannot fill with a balanced sample are skipped.
/// </remarks>
public static class TrainingRegimes
{
    /// <summary>Training sizes of the scarcity regime.</summary>
    public static IReadOnlyList<int> ScarcitySizes { get; } = [2, 3, 4, 5, 7, 10, 14, 20, 28, 38, 53, 74, 103, 143, 198, 275, 382, 531, 737, 1024];

    /// <summary>Positive shares of the imbalance regime.</summary>
    public static IReadOnlyList<double> ImbalanceShares { get; } = Enumerable.Range(0, 19).Select(i => 0.05 + i * (0.9 / 18)).ToArray();

    /// <summary>Flipped fractions of the label-noise regime.</summary>
    public static IReadOnlyList<double> NoiseFractions { get; } = Enumerable.Range(0, 11).Select(i => i * 0.05).ToArray();

    /// <summary>The normal setting (all training rows in file order) followed by the regime's settings.</summary>
    public static IReadOnlyList<RegimeSetting> Settings(Regime regime, int[] trainLabels, int[] testLabels, int seed, EvaluationLog log)
    {
        var all = Enumerable.Range(0, trainLabels.Length).ToArray();
        var result = new List<RegimeSetting> { new("normal", null, all) };
        var pos = Indices(trainLabels, 1);
        var neg = Indices(trainLabels, 0);
        switch (regime)
        {
            case Regime.Scarcity:
                foreach (int n in ScarcitySizes)
                {
                    int p = (n + 1) / 2;
                    if (p > pos.Length || n - p > neg.Length)
                    {
                        log.Warn($"scarcity: a balanced training set of {n} needs {p} positive and {n - p} negative rows; the file has {pos.Length} and {neg.Length}; skipped.");
                        continue;
                    }
                    var rng = new Random(seed);
                    result.Add(new RegimeSetting("scarcity", n, Shuffle(Draw(pos, p, rng).Concat(Draw(neg, n - p, rng)).ToArray(), rng)));
                }
                break;
            case Regime.Imbalance:
            {
                int n = (int)Math.Min(Math.Min(neg.Length / (1 - 0.05), pos.Length / 0.95), 1024);
                var testPos = Indices(testLabels, 1);
                var testNeg = Indices(testLabels, 0);
                foreach (double share in ImbalanceShares)
                {
                    var rng = new Random(seed);
                    int p = (int)Math.Ceiling(share * n);
                    var train = Shuffle(Draw(pos, p, rng).Concat(Draw(neg, n - p, rng)).ToArray(), rng);
                    int m = LargestAtShare(share, testPos.Length, testNeg.Length);
                    int tp = (int)Math.Ceiling(share * m);
                    var test = Shuffle(Draw(testPos, tp, rng).Concat(Draw(testNeg, m - tp, rng)).ToArray(), rng);
                    result.Add(new RegimeSetting("imbalance", share, train, test));
                }
                break;
            }
            case Regime.Noise:
                foreach (double fraction in NoiseFractions)
                {
                    var rng = new Random(seed);
                    int flips = (int)(trainLabels.Length * fraction);
                    var labels = (int[])trainLabels.Clone();
                    foreach (int i in Draw(all, flips, rng)) labels[i] = 1 - labels[i];
                    result.Add(new RegimeSetting("noise", fraction, all, null, labels));
                }
                break;
        }
        return result;
    }

    /// <summary>The largest m whose ⌈share·m⌉ positives and the rest fit in the available rows.</summary>
    public static int LargestAtShare(double share, int positives, int negatives)
    {
        int m = positives + negatives;
        while (m > 0 && ((int)Math.Ceiling(share * m) > positives || m - (int)Math.Ceiling(share * m) > negatives)) m--;
        return m;
    }

    private static int[] Indices(int[] labels, int label) => Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();

    /// <summary>count distinct elements of pool, uniformly (partial Fisher–Yates on a copy).</summary>
    private static int[] Draw(int[] pool, int count, Random rng)
    {
        var copy = (int[])pool.Clone();
        for (int i = 0; i < count; i++)
        {
            int j = rng.Next(i, copy.Length);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy[..count];
    }

    private static int[] Shuffle(int[] rows, Random rng)
    {
        rng.Shuffle(rows);
        return rows;
    }
}
