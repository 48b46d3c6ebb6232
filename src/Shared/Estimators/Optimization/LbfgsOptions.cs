namespace ProbeMonitor.Estimators.Optimization;

/// <summary>Settings of <see cref="Lbfgs"/>; the stopping rules mirror SciPy's L-BFGS-B (pgtol, factr·eps, maxiter) as scikit-learn calls it.</summary>
/// <param name="MaxIterations">Iteration limit (one accepted line-search step each).</param>
/// <param name="Memory">Number of correction pairs kept (SciPy's maxcor, 10).</param>
/// <param name="GradientTolerance">Converged when max |∂f/∂xᵢ| ≤ this (SciPy's gtol / pgtol).</param>
/// <param name="RelativeFunctionTolerance">Converged when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ this (SciPy's ftol = factr·eps, 2.22e-9 by default).</param>
/// <param name="MaxFunctionEvaluations">Evaluation limit, line-search trials included.</param>
/// <param name="MaxLineSearchSteps">Trials per line search before it gives up.</param>
public sealed record LbfgsOptions(
    int MaxIterations = 15000,
    int Memory = 10,
    double GradientTolerance = 1e-5,
    double RelativeFunctionTolerance = 2.220446049250313e-9,
    int MaxFunctionEvaluations = 15000,
    int MaxLineSearchSteps = 20);
