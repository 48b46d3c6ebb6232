namespace ProbeMonitor.Probes.Bundles;

/// <summary>The reference distribution drift is measured against; vectors of size d_model are tensors in weights.safetensors, named here.</summary>
/// <param name="ScoreHistogram">Histogram of the probe's scores on the reference set.</param>
/// <param name="PositiveRate">The fraction of reference examples the decision rule flags.</param>
/// <param name="ActivationMeanTensor">The tensor [d_model] holding the mean reference activation.</param>
/// <param name="NReference">The number of reference examples.</param>
/// <param name="Covariance">A low-rank model of the reference activations' covariance, if exported.</param>
/// <param name="LatentFiringRates">For SAE probes, the fraction of reference examples on which each of the k latents fires.</param>
public sealed record ManifestReference(
    ScoreHistogram ScoreHistogram,
    double PositiveRate,
    string ActivationMeanTensor,
    long NReference,
    LowRankCovariance? Covariance = null,
    double[]? LatentFiringRates = null);

/// <summary>A histogram with explicit bin edges: counts[i] counts scores in [edges[i], edges[i+1]).</summary>
public sealed record ScoreHistogram(double[] Edges, long[] Counts);

/// <summary>Covariance ≈ Vᵀ·diag(eigenvalues)·V + residual_variance·I, with V the r principal components [r, d_model] in a named tensor.</summary>
/// <param name="ComponentsTensor">The tensor [r, d_model] of orthonormal principal directions.</param>
/// <param name="Eigenvalues">The r variances along them, descending.</param>
/// <param name="ResidualVariance">The mean variance left in the other directions.</param>
/// <param name="MahalanobisSquaredP99">The 99th percentile of the reference examples' SQUARED Mahalanobis distance d² under this model (what <c>LowRankGaussian.TrainingQuantile99</c> holds).</param>
public sealed record LowRankCovariance(string ComponentsTensor, double[] Eigenvalues, double ResidualVariance, double MahalanobisSquaredP99);
