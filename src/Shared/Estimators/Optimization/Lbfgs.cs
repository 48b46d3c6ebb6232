using System.Numerics.Tensors;

namespace ProbeMonitor.Estimators.Optimization;

/// <summary>Limited-memory BFGS (Nocedal &amp; Wright, Algorithm 7.4/7.5) with a strong-Wolfe line search, in double precision.</summary>
/// <remarks>
/// Unconstrained; the stopping rules are SciPy L-BFGS-B's (largest gradient component, relative decrease of f, iteration
/// limit) so that a caller mimicking scikit-learn's lbfgs solver stops where it would. The first step is scaled to unit
/// length, later ones start at 1 with H₀ = (sᵀy / yᵀy)·I.
/// </remarks>
public static class Lbfgs
{
    /// <summary>Minimises f from the starting point in <paramref name="x"/>, which is overwritten with the result.</summary>
    /// <param name="f">The objective.</param>
    /// <param name="x">The start, overwritten with the minimiser.</param>
    /// <param name="options">Limits and tolerances.</param>
    /// <param name="geometry">The inner product and gradient test when x is a representation; null for plain coordinates.</param>
    /// <exception cref="ArgumentException">f or its gradient is not finite at the start.</exception>
    public static LbfgsResult Minimize(DifferentiableFunction f, Span<double> x, LbfgsOptions? options = null, ILbfgsGeometry? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        var o = options ?? new LbfgsOptions();
        if (o.Memory < 1) throw new ArgumentOutOfRangeException(nameof(options), $"L-BFGS memory must be at least 1, got {o.Memory}.");
        int n = x.Length;
        var g = new double[n];
        double fx = f(x, g);
        geometry?.CompleteGradient(g);
        int evaluations = 1;
        if (!double.IsFinite(fx) || !AllFinite(g))
            throw new ArgumentException($"L-BFGS: the objective or its gradient is not finite at the starting point (f = {fx}).", nameof(x));
        double gMax = MaxNorm(geometry, g, o.GradientTolerance);
        if (n == 0 || gMax <= o.GradientTolerance) return new LbfgsResult(fx, 0, evaluations, LbfgsStop.GradientTolerance, gMax);

        int m = o.Memory;
        var s = new double[m * n];
        var y = new double[m * n];
        var rho = new double[m];
        var alphas = new double[m];
        var d = new double[n];
        var xt = new double[n];
        var gt = new double[n];
        int count = 0, newest = -1;

        for (int iteration = 0; ; )
        {
            if (iteration >= o.MaxIterations) return new LbfgsResult(fx, iteration, evaluations, LbfgsStop.MaxIterations, gMax);
            if (evaluations >= o.MaxFunctionEvaluations) return new LbfgsResult(fx, iteration, evaluations, LbfgsStop.MaxEvaluations, gMax);

            Direction(geometry, g, s, y, rho, alphas, count, newest, m, n, d);
            double slope = Dot(geometry, g, d);
            if (!(slope < 0))
            {
                count = 0;
                TensorPrimitives.Negate(g, d);
                slope = -Dot(geometry, g, g);
            }
            double alpha0 = count == 0 ? 1.0 / (geometry is null ? TensorPrimitives.Norm<double>(d) : Math.Sqrt(geometry.Dot(d, d))) : 1.0;

            var trial = new WolfeLineSearch.Trial
            {
                Origin = x, Direction = d, Point = xt, Gradient = gt,
                Evaluations = evaluations, MaxEvaluations = o.MaxFunctionEvaluations, Geometry = geometry,
            };
            bool found = WolfeLineSearch.Search(f, ref trial, fx, slope, alpha0, o.MaxLineSearchSteps, out double ft);
            evaluations = trial.Evaluations;
            if (!found)
            {
                if (count > 0)
                {
                    // The quasi-Newton model misled the search; retry from steepest descent before giving up.
                    count = 0;
                    continue;
                }
                return new LbfgsResult(fx, iteration, evaluations, LbfgsStop.LineSearchFailed, gMax);
            }

            geometry?.CompleteGradient(gt);
            int slot = (newest + 1) % m;
            var sk = s.AsSpan(slot * n, n);
            var yk = y.AsSpan(slot * n, n);
            TensorPrimitives.Subtract(xt, x, sk);
            TensorPrimitives.Subtract(gt, g, yk);
            double sy = Dot(geometry, sk, yk), yy = Dot(geometry, yk, yk);
            if (sy > 2.220446049250313e-16 * yy && yy > 0)
            {
                rho[slot] = 1.0 / sy;
                newest = slot;
                count = Math.Min(count + 1, m);
            }

            double fPrev = fx;
            xt.CopyTo(x);
            gt.CopyTo(g);
            fx = ft;
            iteration++;
            gMax = MaxNorm(geometry, g, o.GradientTolerance);
            if (gMax <= o.GradientTolerance) return new LbfgsResult(fx, iteration, evaluations, LbfgsStop.GradientTolerance, gMax);
            if ((fPrev - fx) / Math.Max(Math.Max(Math.Abs(fPrev), Math.Abs(fx)), 1.0) <= o.RelativeFunctionTolerance)
                return new LbfgsResult(fx, iteration, evaluations, LbfgsStop.FunctionTolerance, gMax);
        }
    }

    /// <summary>d = −H·g by the two-loop recursion over the stored pairs, newest first.</summary>
    private static void Direction(ILbfgsGeometry? geometry, double[] g, double[] s, double[] y, double[] rho, double[] alphas, int count, int newest, int m, int n, double[] d)
    {
        g.CopyTo(d, 0);
        if (count > 0)
        {
            for (int k = 0; k < count; k++)
            {
                int slot = ((newest - k) % m + m) % m;
                double a = rho[slot] * Dot(geometry, s.AsSpan(slot * n, n), d);
                alphas[slot] = a;
                TensorPrimitives.MultiplyAdd(y.AsSpan(slot * n, n), -a, d, d);
            }
            var yNew = y.AsSpan(newest * n, n);
            double gamma = 1.0 / (rho[newest] * Dot(geometry, yNew, yNew));
            TensorPrimitives.Multiply(d, gamma, d);
            for (int k = count - 1; k >= 0; k--)
            {
                int slot = ((newest - k) % m + m) % m;
                double b = rho[slot] * Dot(geometry, y.AsSpan(slot * n, n), d);
                TensorPrimitives.MultiplyAdd(s.AsSpan(slot * n, n), alphas[slot] - b, d, d);
            }
        }
        TensorPrimitives.Negate(d, d);
    }

    private static double Dot(ILbfgsGeometry? geometry, ReadOnlySpan<double> a, ReadOnlySpan<double> b) =>
        geometry is null ? TensorPrimitives.Dot(a, b) : geometry.Dot(a, b);

    private static double MaxNorm(ILbfgsGeometry? geometry, ReadOnlySpan<double> g, double tolerance) =>
        geometry is null ? Math.Abs(TensorPrimitives.MaxMagnitude<double>(g)) : geometry.GradientMaxNorm(g, tolerance);

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
            if (!double.IsFinite(v)) return false;
        return true;
    }
}
