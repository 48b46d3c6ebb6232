namespace ProbeMonitor.Estimators;

/// <summary>Settings of <see cref="Pca"/>.</summary>
/// <param name="Components">Number of principal components to keep (≤ min(rows − 1, features)).</param>
/// <param name="ExactLimit">Up to this many features the covariance is decomposed exactly (Jacobi); above, by subspace iteration.</param>
/// <param name="Oversampling">Extra vectors carried by subspace iteration.</param>
/// <param name="MaxIterations">Subspace-iteration limit.</param>
/// <param name="Tolerance">Subspace iteration stops when every kept Ritz pair has ‖Cv − θv‖ ≤ Tolerance·θ₁.</param>
/// <param name="Seed">Seed of the random start block.</param>
public sealed record PcaOptions(int Components, int ExactLimit = 256, int Oversampling = 10, int MaxIterations = 300, double Tolerance = 1e-9, int Seed = 0);
