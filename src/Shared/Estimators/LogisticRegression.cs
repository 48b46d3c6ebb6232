using ProbeMonitor.Estimators.Optimization;

namespace ProbeMonitor.Estimators;

/// <summary>
/// L2-regularised binary logistic regression with scikit-learn's lbfgs objective and stopping rules, solved by this
/// project's own L-BFGS in double precision over single-precision data.
/// </summary>
/// <remarks>
/// scikit-learn 1.2 minimises Σᵢ logloss + ‖w‖²/(2C) (the same minimiser as C·Σ logloss + ½‖w‖²) with SciPy's L-BFGS-B,
/// gtol = tol, ftol = 2.22e-9, maxcor = 10. This class minimises the same function with the same tolerances, so at equal
/// settings the two stop near the same point; with tight tolerances both reach the unique optimum.
/// <para>
/// With fewer rows than features the same L-BFGS can run in the kernel representation w = X′ᵀα (see
/// <see cref="KernelLogisticObjective"/>): one Gram matrix per path, then n² instead of 2nd work per evaluation. The
/// iterates are those of the primal run in exact arithmetic, and the gradient test is still on the primal gradient's
/// largest component; only rounding differs. <see cref="LogisticRegressionOptions.Solver"/> chooses.
/// </para>
/// </remarks>
public static class LogisticRegression
{
    /// <summary>Fits one model; <paramref name="warmStart"/> (same features and scaling choice) seeds the solver.</summary>
    /// <param name="x">Training rows, [y.Length, features] row-major.</param>
    /// <param name="y">Labels 0/1, both present.</param>
    /// <param name="features">Columns of x.</param>
    /// <param name="options">Hyper-parameters; defaults as sklearn.</param>
    /// <param name="warmStart">A previous solution to start from, or null to start at zero.</param>
    /// <exception cref="ArgumentException">Empty, mis-shaped or non-finite data, or labels other than 0/1.</exception>
    /// <exception cref="SingleClassException">Only one class in y.</exception>
    public static LogisticRegressionModel Fit(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features,
        LogisticRegressionOptions? options = null, LogisticRegressionModel? warmStart = null)
    {
        var o = options ?? new LogisticRegressionOptions();
        return FitPath(x, y, features, [o.C], o, warmStart)[0];
    }

    /// <summary>
    /// Fits one model per C, warm-starting each from its neighbour: the path is solved from the smallest C (most
    /// regularised, easiest) upwards and returned in the order of <paramref name="cs"/>. Scaling, when asked for, is fitted once.
    /// </summary>
    public static unsafe LogisticRegressionModel[] FitPath(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features, ReadOnlySpan<double> cs,
        LogisticRegressionOptions? options = null, LogisticRegressionModel? warmStart = null)
    {
        var o = options ?? new LogisticRegressionOptions();
        o.Validate();
        if (cs.Length == 0) throw new ArgumentException("LogisticRegression: the C grid is empty.", nameof(cs));
        foreach (var c in cs) (o with { C = c }).Validate();
        TrainingData.CheckBinary(x, y, features, nameof(LogisticRegression));
        if (warmStart is not null && (warmStart.Features != features || (warmStart.Scaling is not null) != o.Standardize))
            throw new ArgumentException($"LogisticRegression: the warm start has {warmStart.Features} features (scaled: {warmStart.Scaling is not null}) but the fit has {features} (scaled: {o.Standardize}).", nameof(warmStart));

        bool kernel = UsesKernel(o.Solver, y.Length, features, cs.Length, warmStart is not null);
        var scaling = o.Standardize ? warmStart?.Scaling ?? FeatureScaling.Fit(x, features) : null;
        var cValues = cs.ToArray();
        var order = Enumerable.Range(0, cValues.Length).OrderBy(i => cValues[i]).ToArray();
        var lbfgs = new LbfgsOptions(MaxIterations: o.MaxIterations, GradientTolerance: o.Tolerance);
        fixed (float* px = x)
            return kernel
                ? KernelPath(px, y, features, scaling, o, cValues, order, lbfgs)
                : PrimalPath(px, y, features, scaling, o, cValues, order, lbfgs, warmStart);
    }

    /// <summary>
    /// <see cref="FitPath"/> in the kernel representation on a Gram matrix the caller already has (K = XXᵀ of exactly these
    /// rows, pinned, e.g. gathered from the Gram matrix of a larger set), without standardisation.
    /// </summary>
    internal static unsafe LogisticRegressionModel[] FitPathOnGram(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features, ReadOnlySpan<double> cs,
        LogisticRegressionOptions options, double[] gram)
    {
        options.Validate();
        if (options.Standardize) throw new ArgumentException("LogisticRegression: a shared Gram matrix is of the raw rows; it cannot serve a standardised fit.", nameof(options));
        if (cs.Length == 0) throw new ArgumentException("LogisticRegression: the C grid is empty.", nameof(cs));
        foreach (var c in cs) (options with { C = c }).Validate();
        TrainingData.CheckBinary(x, y, features, nameof(LogisticRegression));
        var cValues = cs.ToArray();
        var order = Enumerable.Range(0, cValues.Length).OrderBy(i => cValues[i]).ToArray();
        var lbfgs = new LbfgsOptions(MaxIterations: options.MaxIterations, GradientTolerance: options.Tolerance);
        fixed (float* px = x)
            return KernelPath(px, y, features, null, options, cValues, order, lbfgs, gram);
    }

    /// <summary>
    /// Whether a fit of this shape runs in the kernel representation: asked for explicitly, or (Auto) fewer rows than
    /// features by enough that the n²d/2 Gram matrix, amortised over the path, costs less than the saved passes over X.
    /// </summary>
    /// <remarks>
    /// Costs in units of a primal multiply-add, from CPU time on the 2-core AVX-512 development machine (2,000 × 3,584):
    /// a primal evaluation is 2nd; the Gram matrix (n²d/2 multiply-adds) runs about 5× faster per multiply-add, so n²d/10;
    /// a kernel evaluation (half of K read, n² multiply-adds, plus L-BFGS work on 2n-long vectors) costs about 1.65·n².
    /// E, the evaluations the path will take, is guessed low: 40 per C, 60 for a single fit.
    /// </remarks>
    internal static bool UsesKernel(LogisticRegressionSolver solver, int rows, int features, int pathLength, bool outsideWarmStart)
    {
        if (solver == LogisticRegressionSolver.Kernel)
        {
            if (outsideWarmStart) throw new ArgumentException("LogisticRegression: the kernel solver cannot start from an outside warm start (it is not in the row span); use the primal solver.");
            return true;
        }
        // The Gram matrix is n² doubles; past 8,192 rows (512 MiB) Auto keeps to the primal solver whatever the speed.
        if (solver == LogisticRegressionSolver.Primal || outsideWarmStart || rows >= features || rows > MaxAutoKernelRows) return false;
        double evaluations = pathLength == 1 ? 60 : 40.0 * pathLength;
        double n = rows, d = features;
        return n * (d / 10 + 1.65 * evaluations) < 2 * evaluations * d;
    }

    private const int MaxAutoKernelRows = 8192;

    private static unsafe LogisticRegressionModel[] PrimalPath(float* x, ReadOnlySpan<int> y, int features, FeatureScaling? scaling,
        LogisticRegressionOptions o, double[] cValues, int[] order, LbfgsOptions lbfgs, LogisticRegressionModel? warmStart)
    {
        var results = new LogisticRegressionModel[cValues.Length];
        var objective = new LogisticObjective(x, y.Length, features, y, scaling, o.FitIntercept, o.MaxDegreeOfParallelism);
        var theta = new double[objective.Parameters];
        if (warmStart is not null)
        {
            warmStart.Coefficients.CopyTo(theta, 0);
            if (o.FitIntercept) theta[features] = warmStart.Intercept;
        }
        foreach (int k in order)
        {
            double c = cValues[k];
            objective.InverseC = 1.0 / c;
            var result = Lbfgs.Minimize(objective.Evaluate, theta, lbfgs);
            var w = theta.AsSpan(0, features).ToArray();
            double b = o.FitIntercept ? theta[features] : 0.0;
            results[k] = new LogisticRegressionModel(w, b, scaling, c, result.Iterations, result.Converged, c * result.Value, result.Evaluations);
        }
        return results;
    }

    private static unsafe LogisticRegressionModel[] KernelPath(float* x, ReadOnlySpan<int> y, int features, FeatureScaling? scaling,
        LogisticRegressionOptions o, double[] cValues, int[] order, LbfgsOptions lbfgs, double[]? sharedGram = null)
    {
        int n = y.Length;
        var results = new LogisticRegressionModel[cValues.Length];
        var gram = sharedGram ?? GramMatrix.Compute(x, n, features, scaling, o.MaxDegreeOfParallelism);
        var objective = new KernelLogisticObjective(gram, x, n, features, y, scaling, o.FitIntercept, o.MaxDegreeOfParallelism);
        var theta = new double[objective.Parameters];
        foreach (int k in order)
        {
            double c = cValues[k];
            objective.InverseC = 1.0 / c;
            var result = Lbfgs.Minimize(objective.Evaluate, theta, lbfgs, objective);
            var w = new double[features];
            objective.PrimalVector(theta.AsSpan(0, n), w);
            double b = o.FitIntercept ? theta[2 * n] : 0.0;
            results[k] = new LogisticRegressionModel(w, b, scaling, c, result.Iterations, result.Converged, c * result.Value, result.Evaluations,
                LogisticRegressionSolver.Kernel);
        }
        return results;
    }

    /// <summary>numpy.logspace(start, stop, count): 10^start … 10^stop, evenly spaced in the exponent (the sparse-probing grid is LogSpace(5, −5, 10)).</summary>
    public static double[] LogSpace(double start, double stop, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"LogSpace needs at least one point, got {count}.");
        if (count == 1) return [Math.Pow(10, start)];
        var values = new double[count];
        double step = (stop - start) / (count - 1);
        for (int i = 0; i < count; i++) values[i] = Math.Pow(10, i == count - 1 ? stop : start + i * step);
        return values;
    }
}
