namespace ProbeMonitor.Evaluation;

/// <summary>Cross-validated AUC of every SAE latent as a 1-sparse probe, computed from the sparse latents without fitting anything.</summary>
/// <remarks>
/// <para><b>Why no fit is needed.</b> A 1-sparse probe is p = σ(a·z + b) on one latent z. Its AUC on a validation fold depends
/// only on the order of a·z + b, which is the order of z when a &gt; 0, the reverse when a &lt; 0, and constant when a = 0;
/// so fold AUC = AUC(z), 1 − AUC(z) or ½. The sign of the fitted a is known in closed form: the profile objective
/// f(a) = min_b Σ logloss(σ(a zᵢ + b), yᵢ) (+ a²/2C) is convex, and by the envelope theorem f′(0) = Σ (ȳ − yᵢ) zᵢ
/// = −n·cov(z, y) at the optimal b = logit(ȳ); so a* has the sign of cov(z, y), i.e. of mean₁(z) − mean₀(z) on the
/// training folds, for every C &gt; 0 (exactly equal means give a* = 0 and AUC ½; a numerical solver would stop at a tiny |a|
/// of arbitrary sign there, which is why explicit fits can disagree on such exact ties). Hence the 5-fold CV AUC of the fitted probe equals the mean over folds of the
/// sign-aware AUC of the raw latent, which this class computes; scale and bias are fitted only for the few latents kept
/// (tests check the equivalence against explicit fits).</para>
/// <para><b>Why it is fast.</b> Latents are non-zero on few examples. Per latent, the stored entries are sorted once and
/// swept in ascending order; every fold's zeros form one tied group, inserted where the sweep crosses 0, with counts
/// taken from the fold totals. The AUC is the Mann–Whitney statistic with ties counted ½. Cost: O(nnz·log + width·folds).</para>
/// </remarks>
public static class OneSparseRanking
{
    /// <summary>The CV AUC of each latent: mean over folds (with both classes in the fold) of the sign-aware validation AUC.</summary>
    /// <param name="latents">Training latents [n, width].</param>
    /// <param name="labels">0/1 labels [n].</param>
    /// <param name="foldOf">Validation fold of each row, 0…folds−1.</param>
    /// <param name="folds">Number of folds.</param>
    /// <param name="maxDegreeOfParallelism">Threads over latents; 0 = all processors. Results do not depend on it.</param>
    public static double[] CvAuc(LatentMatrix latents, ReadOnlySpan<int> labels, ReadOnlySpan<int> foldOf, int folds, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(latents);
        int n = latents.Rows;
        if (labels.Length != n || foldOf.Length != n) throw new ArgumentException($"{labels.Length} labels and {foldOf.Length} fold ids for {n} rows.");
        if (folds < 2) throw new ArgumentOutOfRangeException(nameof(folds), $"need at least 2 folds, got {folds}.");
        var pos = new int[folds];
        var neg = new int[folds];
        var y = labels.ToArray();
        var fold = foldOf.ToArray();
        for (int i = 0; i < n; i++)
        {
            if (y[i] is not (0 or 1)) throw new ArgumentException($"labels[{i}] is {y[i]}; labels must be 0 or 1.", nameof(labels));
            if ((uint)fold[i] >= (uint)folds) throw new ArgumentException($"fold id {fold[i]} of row {i} is outside 0…{folds - 1}.", nameof(foldOf));
            if (y[i] == 1) pos[fold[i]]++; else neg[fold[i]]++;
        }
        int totalPos = pos.Sum(), totalNeg = neg.Sum();
        if (totalPos == 0 || totalNeg == 0) throw new ArgumentException("ranking needs both classes in the training labels.", nameof(labels));
        var usable = Enumerable.Range(0, folds).Where(f => pos[f] > 0 && neg[f] > 0 && totalPos - pos[f] > 0 && totalNeg - neg[f] > 0).ToArray();
        if (usable.Length == 0) throw new ArgumentException("no fold holds both classes in its validation and training parts.", nameof(foldOf));

        var (colStart, rowOf, valueOf) = Transpose(latents);
        var result = new double[latents.Width];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : -1 };
        int blocks = Math.Max(1, Math.Min(64, latents.Width / 1024));
        Parallel.For(0, blocks, parallel, block =>
        {
            var scratch = new Scratch(folds);
            int start = (int)((long)latents.Width * block / blocks), end = (int)((long)latents.Width * (block + 1) / blocks);
            for (int j = start; j < end; j++)
            {
                int s = colStart[j], e = colStart[j + 1];
                result[j] = LatentCvAuc(rowOf.AsSpan(s, e - s), valueOf.AsSpan(s, e - s), y, fold, pos, neg, totalPos, totalNeg, usable, scratch);
            }
        });
        return result;
    }

    /// <summary>Latent ids by CV AUC, best first (ties: lower id first).</summary>
    public static int[] Order(double[] cvAuc) =>
        Enumerable.Range(0, cvAuc.Length).OrderByDescending(j => cvAuc[j]).ToArray();

    /// <summary>Per-fold sums and counts reused across latents.</summary>
    private sealed class Scratch(int folds)
    {
        public readonly double[] Sum1 = new double[folds], Sum0 = new double[folds];
        public readonly int[] NzPos = new int[folds], NzNeg = new int[folds];
        public readonly double[] NegBelow = new double[folds], TwiceWins = new double[folds];
        public readonly int[] GroupPos = new int[folds], GroupNeg = new int[folds];
        public int[] Order = new int[16];
        public float[] Keys = new float[16];
    }

    private static double LatentCvAuc(ReadOnlySpan<int> rows, ReadOnlySpan<float> values, int[] y, int[] fold, int[] pos, int[] neg,
        int totalPos, int totalNeg, int[] usable, Scratch s)
    {
        int folds = pos.Length;
        Array.Clear(s.Sum1); Array.Clear(s.Sum0); Array.Clear(s.NzPos); Array.Clear(s.NzNeg);
        Array.Clear(s.NegBelow); Array.Clear(s.TwiceWins);
        double all1 = 0, all0 = 0;
        int m = rows.Length;
        for (int e = 0; e < m; e++)
        {
            int i = rows[e], f = fold[i];
            float v = values[e];
            if (y[i] == 1) { s.Sum1[f] += v; all1 += v; if (v != 0) s.NzPos[f]++; }
            else { s.Sum0[f] += v; all0 += v; if (v != 0) s.NzNeg[f]++; }
        }
        if (m == 0) return 0.5;

        // Sort the stored entries by value (ascending) once; each fold's sweep reads its own rows from the sorted list.
        if (s.Order.Length < m) { s.Order = new int[Math.Max(m, 2 * s.Order.Length)]; s.Keys = new float[s.Order.Length]; }
        var order = s.Order.AsSpan(0, m);
        var keys = s.Keys.AsSpan(0, m);
        for (int e = 0; e < m; e++) { order[e] = e; keys[e] = values[e]; }
        keys.Sort(order);

        bool zerosPlaced = false;
        int k = 0;
        while (k < m)
        {
            float v = keys[k];
            if (!zerosPlaced && v >= 0)
            {
                // Every fold's zero-valued rows (implicit, or stored as 0) form one tied group where the sweep crosses 0.
                AddZeroGroup(s, pos, neg, folds);
                zerosPlaced = true;
                while (k < m && keys[k] == 0) k++;
                continue;
            }
            Array.Clear(s.GroupPos); Array.Clear(s.GroupNeg);
            int g = k;
            while (g < m && keys[g] == v)
            {
                int i = rows[order[g]];
                if (y[i] == 1) s.GroupPos[fold[i]]++; else s.GroupNeg[fold[i]]++;
                g++;
            }
            for (int f = 0; f < folds; f++)
            {
                s.TwiceWins[f] += s.GroupPos[f] * (2 * s.NegBelow[f] + s.GroupNeg[f]);
                s.NegBelow[f] += s.GroupNeg[f];
            }
            k = g;
        }
        if (!zerosPlaced) AddZeroGroup(s, pos, neg, folds);

        double sum = 0;
        foreach (int f in usable)
        {
            double auc = s.TwiceWins[f] / (2.0 * pos[f] * neg[f]);
            double diff = (all1 - s.Sum1[f]) / (totalPos - pos[f]) - (all0 - s.Sum0[f]) / (totalNeg - neg[f]);
            sum += diff > 0 ? auc : diff < 0 ? 1 - auc : 0.5;
        }
        return sum / usable.Length;
    }

    /// <summary>Adds each fold's zero-valued rows (those without a non-zero stored entry) as one tied group.</summary>
    private static void AddZeroGroup(Scratch s, int[] pos, int[] neg, int folds)
    {
        for (int f = 0; f < folds; f++)
        {
            double zp = pos[f] - s.NzPos[f], zn = neg[f] - s.NzNeg[f];
            s.TwiceWins[f] += zp * (2 * s.NegBelow[f] + zn);
            s.NegBelow[f] += zn;
        }
    }

    private static (int[] ColStart, int[] Rows, float[] Values) Transpose(LatentMatrix latents)
    {
        var colStart = new int[latents.Width + 1];
        for (int i = 0; i < latents.Rows; i++)
            foreach (int j in latents.RowIndices(i)) colStart[j + 1]++;
        for (int j = 0; j < latents.Width; j++) colStart[j + 1] += colStart[j];
        var next = colStart[..^1].ToArray();
        var rows = new int[latents.NonZeros];
        var values = new float[latents.NonZeros];
        for (int i = 0; i < latents.Rows; i++)
        {
            var idx = latents.RowIndices(i);
            var val = latents.RowValues(i);
            for (int e = 0; e < idx.Length; e++)
            {
                int at = next[idx[e]]++;
                rows[at] = i;
                values[at] = val[e];
            }
        }
        return (colStart, rows, values);
    }
}
