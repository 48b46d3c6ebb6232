namespace ProbeMonitor.Estimators.Optimization;

/// <summary>An objective to minimise: returns f(x) and writes ∇f(x) into <paramref name="gradient"/> (same length as x).</summary>
public delegate double DifferentiableFunction(ReadOnlySpan<double> x, Span<double> gradient);
