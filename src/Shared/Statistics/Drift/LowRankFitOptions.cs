namespace ProbeMonitor.Statistics.Drift;

/// <summary>How <see cref="LowRankGaussianFit"/> finds the top eigenpairs of the sample covariance.</summary>
public enum LowRankFitMethod
{
    /// <summary>Exact when min(n, d) ≤ <see cref="LowRankFitOptions.ExactLimit"/>, else subspace iteration.</summary>
    Auto,

    /// <summary>Jacobi on the d × d covariance (d ≤ n) or on the n × n Gram matrix (n &lt; d). O(min(n, d)³).</summary>
    Exact,

    /// <summary>Block power iteration with Rayleigh–Ritz on r + oversampling vectors; O(n·d·(r + p)) per iteration.</summary>
    SubspaceIteration,
}

/// <summary>Settings of <see cref="LowRankGaussianFit"/>.</summary>
/// <param name="Method">Eigen-solver choice.</param>
/// <param name="ExactLimit">Largest min(n, d) that <see cref="LowRankFitMethod.Auto"/> still solves exactly.</param>
/// <param name="Oversampling">Extra vectors carried by subspace iteration beyond the rank; more converge faster.</param>
/// <param name="MaxIterations">Subspace iteration stops here even if not converged.</param>
/// <param name="Tolerance">Converged when every kept Ritz pair has residual ‖Cv − θv‖ ≤ Tolerance·θ₁.</param>
/// <param name="Seed">Seed of the random start block.</param>
/// <param name="VarianceFloor">Eigenvalues and σ² are kept ≥ VarianceFloor × (mean variance per dimension), so directions without spread cannot divide by 0.</param>
public sealed record LowRankFitOptions(
    LowRankFitMethod Method = LowRankFitMethod.Auto,
    int ExactLimit = 256,
    int Oversampling = 10,
    int MaxIterations = 500,
    double Tolerance = 1e-8,
    int Seed = 12345,
    double VarianceFloor = 1e-10);
