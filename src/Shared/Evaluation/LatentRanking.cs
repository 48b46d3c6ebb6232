namespace ProbeMonitor.Evaluation;

/// <summary>Orders SAE latents for k-sparse probes as the sparse-probing benchmark does: by |mean difference| between the classes after per-latent normalisation.</summary>
/// <remarks>
/// Kantamneni, Engels et al. (2025), <c>get_sorted_indices_new</c>: each latent is divided by its mean over the training
/// examples where it fires (plus 1e-6 on both counts and means), then latents are sorted by the absolute difference of the
/// class means of the normalised values. Normalising stops latents with large activations from dominating merely by scale.
/// Ties keep ascending latent id, so the order is deterministic.
/// </remarks>
public static class LatentRanking
{
    /// <summary>The benchmark's 1e-6 guards.</summary>
    public const double Epsilon = 1e-6;

    /// <summary>The per-latent scores |mean₁(x/m) − mean₀(x/m)| with m = Σx / (#fires + ε) + ε, over training rows.</summary>
    public static double[] NormalizedMeanDifference(LatentMatrix latents, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(latents);
        int positives = 0;
        foreach (int y in labels) positives += y;
        int negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0)
            throw new ArgumentException($"ranking latents needs both classes; the training labels hold {positives} positive and {negatives} negative examples.", nameof(labels));
        var (sum0, sum1, nonZero) = latents.ColumnSums(labels);
        var score = new double[latents.Width];
        for (int j = 0; j < score.Length; j++)
        {
            double colMean = (sum0[j] + sum1[j]) / (nonZero[j] + Epsilon);
            double scale = colMean + Epsilon;
            score[j] = Math.Abs(sum1[j] / scale / positives - sum0[j] / scale / negatives);
        }
        return score;
    }

    /// <summary>All latent ids, best first.</summary>
    public static int[] Order(LatentMatrix latents, ReadOnlySpan<int> labels)
    {
        var score = NormalizedMeanDifference(latents, labels);
        var ids = Enumerable.Range(0, score.Length).ToArray();
        // Stable descending sort: equal scores keep ascending id.
        return ids.OrderByDescending(j => score[j]).ToArray();
    }

    /// <summary>The sparse-probing k grid {1, 2, 4, …, 512}, cut at the SAE's width.</summary>
    public static int[] KGrid(int width, int maxK = 512)
    {
        var ks = new List<int>();
        for (int k = 1; k <= Math.Min(maxK, width); k *= 2) ks.Add(k);
        return ks.ToArray();
    }
}
