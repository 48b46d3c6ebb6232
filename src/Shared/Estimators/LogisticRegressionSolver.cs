namespace ProbeMonitor.Estimators;

/// <summary>The representation <see cref="LogisticRegression"/> runs its L-BFGS in; both are the same iteration towards the same optimum.</summary>
public enum LogisticRegressionSolver
{
    /// <summary>Kernel when it is expected to be faster (fewer rows than features, no outside warm start), primal otherwise.</summary>
    Auto,

    /// <summary>w itself: each evaluation passes over X twice (2·n·d multiply-adds).</summary>
    Primal,

    /// <summary>w = X′ᵀα: one n × n Gram matrix up front (n²d/2), then n² per evaluation. Needs no outside warm start.</summary>
    Kernel,
}
