namespace ProbeMonitor.Estimators;

/// <summary>Hyper-parameters of <see cref="LogisticRegression"/>, named and defaulted as scikit-learn's LogisticRegression(penalty='l2', solver='lbfgs').</summary>
/// <param name="C">Inverse regularisation strength: the objective is C·Σᵢ logloss + ½‖w‖², intercept unpenalised.</param>
/// <param name="MaxIterations">L-BFGS iteration limit (sklearn's max_iter; the sparse-probing protocol uses 1000).</param>
/// <param name="Tolerance">Stop when the largest gradient component of Σᵢ logloss + ‖w‖²/(2C) is ≤ this (sklearn's tol, passed to SciPy as gtol).</param>
/// <param name="FitIntercept">Whether to fit an unpenalised intercept.</param>
/// <param name="Standardize">Fit on (x − mean)/std (StandardScaler semantics) without copying x; coefficients are then in standardised units.</param>
/// <param name="MaxDegreeOfParallelism">Threads used for the data passes; 0 means all processors. Results do not depend on it.</param>
/// <param name="Solver">Primal or kernel representation of the same L-BFGS; Auto picks the kernel one where it pays (n &lt; d).</param>
public sealed record LogisticRegressionOptions(
    double C = 1.0,
    int MaxIterations = 100,
    double Tolerance = 1e-4,
    bool FitIntercept = true,
    bool Standardize = false,
    int MaxDegreeOfParallelism = 0,
    LogisticRegressionSolver Solver = LogisticRegressionSolver.Auto)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (!(C > 0) || !double.IsFinite(C)) throw new ArgumentOutOfRangeException(nameof(C), $"LogisticRegression: C must be positive and finite, got {C}.");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), $"LogisticRegression: MaxIterations must be at least 1, got {MaxIterations}.");
        if (!(Tolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(Tolerance), $"LogisticRegression: Tolerance must be non-negative, got {Tolerance}.");
        if (!Enum.IsDefined(Solver)) throw new ArgumentOutOfRangeException(nameof(Solver), $"LogisticRegression: unknown solver {(int)Solver}.");
        if (MaxDegreeOfParallelism < 0) throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), $"LogisticRegression: MaxDegreeOfParallelism must be ≥ 0, got {MaxDegreeOfParallelism}.");
    }
}
