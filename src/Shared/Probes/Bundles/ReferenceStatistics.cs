namespace ProbeMonitor.Probes.Bundles;

/// <summary>The drift reference of a loaded bundle: the manifest's statistics with its tensors read into memory.</summary>
/// <param name="ScoreHistogram">Histogram of reference scores.</param>
/// <param name="PositiveRate">Fraction of reference examples flagged.</param>
/// <param name="ActivationMean">Mean reference activation [d_model].</param>
/// <param name="Covariance">Low-rank covariance model, if the bundle has one.</param>
/// <param name="LatentFiringRates">Per-latent firing rates [k] for SAE probes.</param>
/// <param name="NReference">Number of reference examples.</param>
public sealed record ReferenceStatistics(
    ScoreHistogram ScoreHistogram,
    double PositiveRate,
    float[] ActivationMean,
    LowRankCovarianceStatistics? Covariance,
    double[]? LatentFiringRates,
    long NReference);

/// <summary>Covariance ≈ Vᵀ·diag(Eigenvalues)·V + ResidualVariance·I with V = Components [Rank, Dim] row-major.</summary>
public sealed record LowRankCovarianceStatistics(float[] Components, int Rank, int Dim, double[] Eigenvalues, double ResidualVariance, double MahalanobisSquaredP99);

/// <summary>The tensors of a bundle's reference that live in weights.safetensors rather than manifest.json.</summary>
/// <param name="ActivationMean">Mean reference activation [d_model].</param>
/// <param name="CovarianceComponents">Principal directions [r, d_model] row-major, present exactly when the manifest has a covariance.</param>
public sealed record ReferenceTensors(float[] ActivationMean, float[]? CovarianceComponents = null);
