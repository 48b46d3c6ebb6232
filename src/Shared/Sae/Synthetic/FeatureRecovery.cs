using ProbeMonitor.Kernels;

namespace ProbeMonitor.Sae.Synthetic;

/// <summary>How many true feature directions an SAE's decoder found: each true direction's best cosine with any decoder row.</summary>
/// <param name="BestCosine">Per true feature, max over decoder rows of cos(d_i, W_dec[j]).</param>
/// <param name="Threshold">The cosine at which a feature counts as recovered.</param>
public sealed record FeatureRecovery(double[] BestCosine, double Threshold)
{
    /// <summary>Korznikov et al. (2026) count a feature recovered at cosine ≥ 0.9.</summary>
    public const double DefaultThreshold = 0.9;

    /// <summary>Fraction of true features with best cosine ≥ <see cref="Threshold"/>.</summary>
    public double RecoveredFraction => BestCosine.Count(c => c >= Threshold) / (double)BestCosine.Length;

    /// <summary>Mean best cosine (the "mean max cosine similarity" of the dictionary-learning literature).</summary>
    public double MeanBestCosine => BestCosine.Average();

    /// <summary>Scores decoder rows [width, D] against true directions [F, D] (rows of any norm; zero rows never match).</summary>
    public static FeatureRecovery Evaluate(ReadOnlySpan<float> trueDirections, int features, ReadOnlySpan<float> decoder, int width, int dim,
        double threshold = DefaultThreshold)
    {
        if ((long)features * dim != trueDirections.Length) throw new ArgumentException($"feature recovery: true directions hold {trueDirections.Length} values, not [{features}, {dim}].");
        if ((long)width * dim != decoder.Length) throw new ArgumentException($"feature recovery: decoder holds {decoder.Length} values, not [{width}, {dim}].");
        var a = UnitRows(trueDirections, features, dim);
        var b = UnitRows(decoder, width, dim);
        var cos = new float[(long)features * width];
        Gemm.MultiplyTransposedB(a, b, cos, features, width, dim);
        var best = new double[features];
        for (int i = 0; i < features; i++)
        {
            float m = float.NegativeInfinity;
            foreach (float c in cos.AsSpan(i * width, width)) m = Math.Max(m, c);
            best[i] = m;
        }
        return new FeatureRecovery(best, threshold);
    }

    private static float[] UnitRows(ReadOnlySpan<float> m, int rows, int dim)
    {
        var u = m.ToArray();
        for (int r = 0; r < rows; r++)
        {
            var row = u.AsSpan(r * dim, dim);
            float n = System.Numerics.Tensors.TensorPrimitives.Norm(row);
            if (n > 0) System.Numerics.Tensors.TensorPrimitives.Divide(row, n, row);
        }
        return u;
    }
}
