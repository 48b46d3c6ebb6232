namespace ProbeMonitor.Sae.Training;

/// <summary>SAELens's expected_average_only_in normalisation: one constant s with E‖s·x‖ = √d_in over the training data.</summary>
/// <remarks>
/// Training in this scale makes learning rates and sparsity coefficients transfer between models and layers whose
/// residual norms differ by orders of magnitude. s is estimated on a sample, recorded as cfg.json's norm_scaling_factor,
/// and applied by the SAE at inference (x·s in, x̂/s out).
/// </remarks>
public static class InputNormalizer
{
    /// <summary>s = √d_in / mean‖x‖ over the <paramref name="n"/> rows of <paramref name="rows"/> [n, d_in].</summary>
    public static double ScalingFactor(ReadOnlySpan<float> rows, int n, int dIn)
    {
        if (n <= 0 || dIn <= 0 || (long)n * dIn != rows.Length)
            throw new ArgumentException($"input normalisation: {rows.Length} values do not form {n} rows of d_in = {dIn}.");
        double sumNorm = 0;
        for (int r = 0; r < n; r++)
        {
            double sq = 0;
            foreach (float v in rows.Slice(r * dIn, dIn)) sq += (double)v * v;
            sumNorm += Math.Sqrt(sq);
        }
        double mean = sumNorm / n;
        if (!(mean > 0) || !double.IsFinite(mean))
            throw new ArgumentException($"input normalisation: the mean activation norm over {n} sampled rows is {mean}; cannot scale it to √d_in.");
        return Math.Sqrt(dIn) / mean;
    }
}
