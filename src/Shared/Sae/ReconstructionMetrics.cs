namespace ProbeMonitor.Sae;

/// <summary>How well an SAE reconstructs a batch of activations, and how sparse its codes are.</summary>
/// <remarks>All sums run in double so a batch of thousands of 2–4k-wide rows does not lose digits.</remarks>
public static class ReconstructionMetrics
{
    /// <summary>
    /// Fraction of variance unexplained, Σ‖x − x̂‖² / Σ‖x − x̄‖², where x̄ is the batch's per-dimension mean.
    /// NaN when the batch has no variance (fewer than two distinct rows).
    /// </summary>
    public static double FractionOfVarianceUnexplained(ReadOnlySpan<float> x, ReadOnlySpan<float> xHat, int n, int d)
    {
        CheckPair(x, xHat, n, d);
        var mean = new double[d];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++)
            mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        double residual = 0, total = 0;
        for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++)
        {
            double e = (double)x[i * d + j] - xHat[i * d + j];
            double c = x[i * d + j] - mean[j];
            residual += e * e;
            total += c * c;
        }
        return total > 0 ? residual / total : double.NaN;
    }

    /// <summary>1 − FVU.</summary>
    public static double ExplainedVariance(ReadOnlySpan<float> x, ReadOnlySpan<float> xHat, int n, int d) =>
        1.0 - FractionOfVarianceUnexplained(x, xHat, n, d);

    /// <summary>Mean of (x − x̂)² over all n·d elements.</summary>
    public static double MeanSquaredError(ReadOnlySpan<float> x, ReadOnlySpan<float> xHat, int n, int d)
    {
        CheckPair(x, xHat, n, d);
        if (x.Length == 0) return double.NaN;
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = (double)x[i] - xHat[i];
            sum += e * e;
        }
        return sum / x.Length;
    }

    /// <summary>Per-row cosine similarity of x and x̂; 0 for a row where either vector is zero (as torch's eps clamp gives).</summary>
    public static double[] CosineSimilarities(ReadOnlySpan<float> x, ReadOnlySpan<float> xHat, int n, int d)
    {
        CheckPair(x, xHat, n, d);
        var result = new double[n];
        for (int i = 0; i < n; i++)
        {
            double dot = 0, xx = 0, yy = 0;
            for (int j = 0; j < d; j++)
            {
                double a = x[i * d + j], b = xHat[i * d + j];
                dot += a * b;
                xx += a * a;
                yy += b * b;
            }
            result[i] = xx > 0 && yy > 0 ? dot / Math.Sqrt(xx * yy) : 0.0;
        }
        return result;
    }

    /// <summary>Mean over rows of <see cref="CosineSimilarities"/>; NaN for an empty batch.</summary>
    public static double MeanCosineSimilarity(ReadOnlySpan<float> x, ReadOnlySpan<float> xHat, int n, int d) =>
        n == 0 ? double.NaN : CosineSimilarities(x, xHat, n, d).Average();

    /// <summary>Mean number of non-zero latents per row of dense activations [n, d_sae]; NaN for an empty batch.</summary>
    public static double MeanL0(ReadOnlySpan<float> acts, int n, int dSae)
    {
        SparseAutoencoder.CheckBatch(acts, n, dSae, "acts");
        if (n == 0) return double.NaN;
        return (double)(acts.Length - acts.Count(0f)) / n;
    }

    /// <summary>Mean number of active latents per row of sparse codes; NaN for none.</summary>
    public static double MeanL0(IReadOnlyList<SparseLatents> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return double.NaN;
        long total = 0;
        foreach (var r in rows) total += r.Values.AsSpan().Length - r.Values.AsSpan().Count(0f);
        return (double)total / rows.Count;
    }

    private static void CheckPair(ReadOnlySpan<float> x, ReadOnlySpan<float> xHat, int n, int d)
    {
        if (d <= 0) throw new ArgumentOutOfRangeException(nameof(d), $"metrics: width must be positive, got {d}.");
        SparseAutoencoder.CheckBatch(x, n, d, "x");
        SparseAutoencoder.CheckBatch(xHat, n, d, "reconstruction x̂");
    }
}
