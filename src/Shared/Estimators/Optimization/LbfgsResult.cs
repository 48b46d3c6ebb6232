namespace ProbeMonitor.Estimators.Optimization;

/// <summary>Why <see cref="Lbfgs"/> stopped.</summary>
public enum LbfgsStop
{
    /// <summary>The largest gradient component fell below the gradient tolerance.</summary>
    GradientTolerance,

    /// <summary>The relative decrease of f fell below the function tolerance.</summary>
    FunctionTolerance,

    /// <summary>The iteration limit was reached.</summary>
    MaxIterations,

    /// <summary>The evaluation limit was reached.</summary>
    MaxEvaluations,

    /// <summary>No step satisfying the Wolfe conditions was found (usually: f is flat to rounding along the search direction).</summary>
    LineSearchFailed,
}

/// <summary>The outcome of an L-BFGS minimisation; the minimiser itself is written into the caller's x.</summary>
/// <param name="Value">f at the returned x.</param>
/// <param name="Iterations">Accepted steps taken.</param>
/// <param name="Evaluations">Calls of the objective.</param>
/// <param name="Stop">Why it stopped.</param>
/// <param name="GradientMaxNorm">max |∂f/∂xᵢ| at the returned x.</param>
public sealed record LbfgsResult(double Value, int Iterations, int Evaluations, LbfgsStop Stop, double GradientMaxNorm)
{
    /// <summary>Whether a tolerance (not a limit or a failure) ended the run.</summary>
    public bool Converged => Stop is LbfgsStop.GradientTolerance or LbfgsStop.FunctionTolerance;
}
