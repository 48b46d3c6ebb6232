namespace ProbeMonitor.Statistics.Drift;

/// <summary>
/// A Gaussian with low-rank-plus-isotropic covariance Σ = VᵀΛV + σ²(I − VᵀV): mean μ (d), r orthonormal principal
/// directions V (r × d, row-major), their variances λ (descending), the residual variance σ² shared by the other d − r
/// directions, and the 99th percentile of the training squared distances, a ready-made drift threshold.
/// </summary>
public sealed record LowRankGaussian
{
    /// <summary>Checks shapes and positivity; arrays are kept, not copied.</summary>
    public LowRankGaussian(double[] mean, double[] components, double[] eigenvalues, double residualVariance, double trainingQuantile99)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(eigenvalues);
        int d = mean.Length, r = eigenvalues.Length;
        if (d == 0) throw new ArgumentException("the mean is empty; the dimension must be at least 1.", nameof(mean));
        if (r < 1 || r > d) throw new ArgumentException($"rank {r} must lie in [1, {d}] (the dimension).", nameof(eigenvalues));
        if (components.Length != (long)r * d)
            throw new ArgumentException($"components hold {components.Length} values; rank × dimension = {r} × {d} = {(long)r * d} are needed.", nameof(components));
        for (int i = 0; i < r; i++)
            if (!(eigenvalues[i] > 0 && double.IsFinite(eigenvalues[i])))
                throw new ArgumentException($"eigenvalues[{i}] is {eigenvalues[i]}; component variances must be positive and finite.", nameof(eigenvalues));
        if (r < d && !(residualVariance > 0 && double.IsFinite(residualVariance)))
            throw new ArgumentException($"the residual variance is {residualVariance}; it must be positive when rank {r} < dimension {d}.", nameof(residualVariance));
        Mean = mean;
        Components = components;
        Eigenvalues = eigenvalues;
        ResidualVariance = r < d ? residualVariance : 0;
        TrainingQuantile99 = trainingQuantile99;
    }

    /// <summary>μ, length d.</summary>
    public double[] Mean { get; }

    /// <summary>V, r × d row-major, orthonormal rows.</summary>
    public double[] Components { get; }

    /// <summary>λ, length r, descending.</summary>
    public double[] Eigenvalues { get; }

    /// <summary>σ², the variance of every direction outside V (0 and unused when r = d).</summary>
    public double ResidualVariance { get; }

    /// <summary>The 99th percentile (numpy-linear) of d² over the training samples.</summary>
    public double TrainingQuantile99 { get; }

    /// <summary>d, the dimension.</summary>
    public int Dimension => Mean.Length;

    /// <summary>r, the number of principal directions.</summary>
    public int Rank => Eigenvalues.Length;

    /// <summary>The i-th principal direction.</summary>
    public ReadOnlySpan<double> Component(int index) => Components.AsSpan(index * Dimension, Dimension);

    /// <summary>Squared Mahalanobis distance of x; see <see cref="Mahalanobis"/>.</summary>
    public double DistanceSquared(ReadOnlySpan<float> x) => Mahalanobis.DistanceSquared(this, x);

    /// <summary>Squared Mahalanobis distance of x; see <see cref="Mahalanobis"/>.</summary>
    public double DistanceSquared(ReadOnlySpan<double> x) => Mahalanobis.DistanceSquared(this, x);
}
