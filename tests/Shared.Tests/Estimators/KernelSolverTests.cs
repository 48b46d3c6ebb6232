using System.Text.Json;
using ProbeMonitor.Estimators;
using ProbeMonitor.Statistics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Estimators;

/// <summary>
/// The kernel-space logistic solver (w = X′ᵀα): its Gram matrix and half-triangle product against naive double sums, its
/// objective against the primal one, its fits against the primal L-BFGS and against scikit-learn, and when Auto picks it.
/// </summary>
public sealed class KernelSolverTests
{
    [Theory]
    [InlineData(37, 300, false)]  // rows not a multiple of 8 or 16, features crossing a 256-wide depth block
    [InlineData(130, 20, true)]   // more rows than features, standardised
    [InlineData(1, 5, false)]
    public void Gram_matrix_equals_naive_double_products(int rows, int d, bool standardize)
    {
        var (x, _) = EstimatorTestData.Logistic(seed: rows, n: rows, d: d, offset: 0.3, featureScale: 4);
        var scaling = standardize ? FeatureScaling.Fit(x, d) : null;
        var k = GramMatrix.Compute(x, d, scaling, 1);
        var parallel = GramMatrix.Compute(x, d, scaling, 3);
        Assert.Equal(k, parallel);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < rows; j++)
            {
                double expected = 0, magnitude = 0;
                for (int f = 0; f < d; f++)
                {
                    double a = x[i * d + f], b = x[j * d + f];
                    if (scaling is not null)
                    {
                        a = (a - scaling.Mean[f]) / scaling.Scale[f];
                        b = (b - scaling.Mean[f]) / scaling.Scale[f];
                    }
                    expected += a * b;
                    magnitude += Math.Abs(a * b);
                }
                Assert.True(Math.Abs(k[i * rows + j] - expected) <= 1e-13 * magnitude, $"K[{i},{j}] = {k[i * rows + j]}, naive {expected}");
            }
    }

    [Fact]
    public void Half_triangle_product_equals_the_full_product()
    {
        const int n = 203; // 8 blocks, rows left over after the 4-row kernel
        var rng = new Random(3);
        var k = GC.AllocateArray<double>(n * n, pinned: true);
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                k[i * n + j] = k[j * n + i] = EstimatorTestData.Gaussian(rng);
        var v = Enumerable.Range(0, n).Select(_ => EstimatorTestData.Gaussian(rng)).ToArray();
        var y = new double[n];
        new SymmetricProduct(k, n, new ParallelOptions { MaxDegreeOfParallelism = 2 }).Multiply(v, y);
        var y1 = new double[n];
        new SymmetricProduct(k, n, new ParallelOptions { MaxDegreeOfParallelism = 1 }).Multiply(v, y1);
        Assert.Equal(y, y1);
        for (int i = 0; i < n; i++)
        {
            double expected = 0;
            for (int j = 0; j < n; j++) expected += k[i * n + j] * v[j];
            Assert.Equal(expected, y[i], 1e-11);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Kernel_objective_is_the_primal_objective_at_w_equal_XT_alpha(bool standardize)
    {
        const int n = 23, d = 41;
        var (x, y) = EstimatorTestData.Logistic(seed: 5, n: n, d: d, offset: 0.2);
        var scaling = standardize ? FeatureScaling.Fit(x, d) : null;
        var rng = new Random(9);
        var alpha = Enumerable.Range(0, n).Select(_ => 0.05 * EstimatorTestData.Gaussian(rng)).ToArray();
        const double bias = 0.3, c = 0.7;
        var representation = new double[2 * n + 1];
        var primalFromKernel = new double[d + 1];
        double f = KernelLogisticObjective.EvaluateOnce(x, y, d, scaling, c, alpha, bias, representation, primalFromKernel);

        // w = X′ᵀα, computed naively.
        var theta = new double[d + 1];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                theta[j] += alpha[i] * (scaling is null ? x[i * d + j] : (x[i * d + j] - scaling.Mean[j]) / scaling.Scale[j]);
        theta[d] = bias;
        var primal = new double[d + 1];
        double expected = LogisticObjective.EvaluateOnce(x, y, d, scaling, c, theta, primal);
        Assert.Equal(expected, f, Math.Abs(expected) * 1e-12);
        for (int j = 0; j <= d; j++) Assert.Equal(primal[j], primalFromKernel[j], 1e-9);

        // The representation's second half is K times its first.
        var k = GramMatrix.Compute(x, d, scaling, 1);
        for (int i = 0; i < n; i++)
        {
            double kb = 0;
            for (int j = 0; j < n; j++) kb += k[i * n + j] * representation[j];
            Assert.Equal(kb, representation[n + i], 1e-9 * Math.Max(1, Math.Abs(kb)));
        }
    }

    [Theory]
    [InlineData(120, 300, false)]
    [InlineData(120, 300, true)]
    [InlineData(400, 25, false)] // n > d: K is singular (rank 25); the representation is still exact
    public void Kernel_path_reaches_the_primal_optimum(int n, int d, bool standardize)
    {
        var (x, y) = EstimatorTestData.Logistic(seed: 21, n: n, d: d, signal: 2.0, offset: 0.3);
        var (xt, yt) = EstimatorTestData.Logistic(seed: 21, n: 300, d: d, signal: 2.0, offset: 0.3);
        var cs = LogisticRegression.LogSpace(1, -3, 5);
        var tight = new LogisticRegressionOptions(Tolerance: 1e-9, MaxIterations: 5000, Standardize: standardize);
        var kernel = LogisticRegression.FitPath(x, y, d, cs, tight with { Solver = LogisticRegressionSolver.Kernel });
        var primal = LogisticRegression.FitPath(x, y, d, cs, tight with { Solver = LogisticRegressionSolver.Primal });
        for (int k = 0; k < cs.Length; k++)
        {
            Assert.Equal(LogisticRegressionSolver.Kernel, kernel[k].Solver);
            Assert.Equal(LogisticRegressionSolver.Primal, primal[k].Solver);
            Assert.True(kernel[k].Converged, $"C={cs[k]}: kernel stopped at {kernel[k].Iterations} iterations");
            // Both stop on SciPy's relative-decrease rule (2.2e-9), which pins the objective far tighter than the
            // coefficients: on these ill-conditioned n < d problems two primal runs (warm and cold) differ by up to 4e-3.
            Assert.Equal(primal[k].Objective, kernel[k].Objective, Math.Abs(primal[k].Objective) * 1e-7);
            double rel = EstimatorTestData.RelativeError([.. kernel[k].Coefficients, kernel[k].Intercept], [.. primal[k].Coefficients, primal[k].Intercept]);
            Assert.True(rel < 1e-2, $"C={cs[k]}: kernel and primal coefficients differ by {rel:g3}");
            Assert.Equal(Roc.RocAuc(primal[k].PredictLogits(xt), yt), Roc.RocAuc(kernel[k].PredictLogits(xt), yt), 1e-3);
        }

        // At sklearn's default tolerance both stop on the same rule; the held-out AUCs stay within the parity margin.
        var loose = new LogisticRegressionOptions(Standardize: standardize);
        var kernelLoose = LogisticRegression.FitPath(x, y, d, cs, loose with { Solver = LogisticRegressionSolver.Kernel });
        var primalLoose = LogisticRegression.FitPath(x, y, d, cs, loose with { Solver = LogisticRegressionSolver.Primal });
        for (int k = 0; k < cs.Length; k++)
            Assert.Equal(Roc.RocAuc(primalLoose[k].PredictLogits(xt), yt), Roc.RocAuc(kernelLoose[k].PredictLogits(xt), yt), 0.005);
    }

    [Fact]
    public void Kernel_path_without_intercept_reaches_the_primal_optimum()
    {
        const int n = 80, d = 150;
        var (x, y) = EstimatorTestData.Logistic(seed: 8, n: n, d: d, signal: 2.0);
        double[] cs = [0.01, 0.3];
        var options = new LogisticRegressionOptions(Tolerance: 1e-9, MaxIterations: 5000, FitIntercept: false);
        var kernel = LogisticRegression.FitPath(x, y, d, cs, options with { Solver = LogisticRegressionSolver.Kernel });
        var primal = LogisticRegression.FitPath(x, y, d, cs, options with { Solver = LogisticRegressionSolver.Primal });
        for (int k = 0; k < cs.Length; k++)
        {
            Assert.Equal(0.0, kernel[k].Intercept);
            Assert.Equal(primal[k].Objective, kernel[k].Objective, Math.Abs(primal[k].Objective) * 1e-7);
            Assert.True(EstimatorTestData.RelativeError(kernel[k].Coefficients, primal[k].Coefficients) < 1e-2);
        }
    }

    [Fact]
    public void Folds_share_one_Gram_matrix_without_changing_a_score()
    {
        const int n = 150, d = 300;
        var (x, y) = EstimatorTestData.Logistic(seed: 12, n: n, d: d, offset: 0.2);
        var splits = Splits.StratifiedKFold(y, 3, seed: 1);
        var cs = LogisticRegression.LogSpace(2, -3, 6);
        var options = new LogisticRegressionOptions(Solver: LogisticRegressionSolver.Kernel);
        var shared = CGridSearch.Run(x, y, d, splits, cs, options);

        // Reference: each fold alone, which computes its own Gram matrix from its own rows.
        var sums = new double[cs.Length];
        foreach (var split in splits)
        {
            var alone = CGridSearch.Run(x, y, d, [split], cs, options);
            for (int k = 0; k < cs.Length; k++) sums[k] += alone.MeanScores[k];
        }
        for (int k = 0; k < cs.Length; k++) Assert.Equal(sums[k] / splits.Count, shared.MeanScores[k], 12);

        var primal = CGridSearch.Run(x, y, d, splits, cs, options with { Solver = LogisticRegressionSolver.Primal });
        for (int k = 0; k < cs.Length; k++) Assert.Equal(primal.MeanScores[k], shared.MeanScores[k], 0.005);
        Assert.Throws<ArgumentException>(() => LogisticRegression.FitPathOnGram(x, y, d, cs, options with { Standardize = true }, GramMatrix.Compute(x, d, null, 1)));
    }

    [Fact]
    public void Kernel_results_do_not_depend_on_thread_count()
    {
        const int d = 90;
        var (x, y) = EstimatorTestData.Logistic(seed: 2, n: 300, d: d);
        var options = new LogisticRegressionOptions(Solver: LogisticRegressionSolver.Kernel);
        var one = LogisticRegression.Fit(x, y, d, options with { MaxDegreeOfParallelism = 1 });
        var many = LogisticRegression.Fit(x, y, d, options with { MaxDegreeOfParallelism = 4 });
        Assert.Equal(one.Coefficients, many.Coefficients);
        Assert.Equal(one.Intercept, many.Intercept);
    }

    [Fact]
    public void Auto_picks_the_kernel_solver_only_where_it_pays()
    {
        Assert.True(LogisticRegression.UsesKernel(LogisticRegressionSolver.Auto, 2000, 3584, 10, false));
        Assert.True(LogisticRegression.UsesKernel(LogisticRegressionSolver.Auto, 500, 3584, 1, false));
        Assert.False(LogisticRegression.UsesKernel(LogisticRegressionSolver.Auto, 2000, 3584, 1, false)); // one fit does not repay the Gram matrix
        Assert.False(LogisticRegression.UsesKernel(LogisticRegressionSolver.Auto, 3584, 2000, 10, false)); // n > d
        Assert.False(LogisticRegression.UsesKernel(LogisticRegressionSolver.Auto, 1024, 256, 10, false));
        Assert.False(LogisticRegression.UsesKernel(LogisticRegressionSolver.Auto, 9000, 200_000, 10, false)); // K would take 648 MB
        Assert.False(LogisticRegression.UsesKernel(LogisticRegressionSolver.Auto, 100, 3584, 10, true)); // outside warm start
        Assert.True(LogisticRegression.UsesKernel(LogisticRegressionSolver.Kernel, 3584, 2000, 1, false));
        Assert.False(LogisticRegression.UsesKernel(LogisticRegressionSolver.Primal, 100, 3584, 10, false));

        var (x, y) = EstimatorTestData.Logistic(seed: 1, n: 60, d: 200);
        Assert.Equal(LogisticRegressionSolver.Kernel, LogisticRegression.FitPath(x, y, 200, [0.1, 1.0])[0].Solver);
        var (tall, tallY) = EstimatorTestData.Logistic(seed: 1, n: 200, d: 10);
        Assert.Equal(LogisticRegressionSolver.Primal, LogisticRegression.FitPath(tall, tallY, 10, [0.1, 1.0])[0].Solver);
        var start = LogisticRegression.Fit(x, y, 200);
        Assert.Equal(LogisticRegressionSolver.Primal, LogisticRegression.FitPath(x, y, 200, [0.1, 1.0], warmStart: start)[0].Solver);
        var e = Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(x, y, 200, new LogisticRegressionOptions(Solver: LogisticRegressionSolver.Kernel), start));
        Assert.Contains("warm start", e.Message);
    }

    private const string SklearnFits = """
        import json, sys
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler
        from sklearn.metrics import roc_auc_score
        d = json.load(sys.stdin)
        X = np.load(d["x"]).astype(np.float64); y = np.load(d["y"])
        Xt = np.load(d["xt"]).astype(np.float64); yt = np.load(d["yt"])
        if d["standardize"]:
            s = StandardScaler().fit(X); X = s.transform(X); Xt = s.transform(Xt)
        out = []
        for C in d["cs"]:
            m = LogisticRegression(C=C, tol=d["tol"], max_iter=d["max_iter"]).fit(X, y)
            z = X @ m.coef_[0] + m.intercept_[0]
            obj = C * float(np.sum(np.logaddexp(0, z) - y * z)) + 0.5 * float(m.coef_[0] @ m.coef_[0])
            out.append({"coef": m.coef_[0].tolist(), "intercept": float(m.intercept_[0]), "objective": obj,
                        "auc": roc_auc_score(yt, m.decision_function(Xt))})
        print(json.dumps(out))
        """;

    [PeerTheory("python:sklearn")]
    [InlineData(150, 400, false, 1e-10)]
    [InlineData(150, 400, true, 1e-10)]
    [InlineData(500, 30, false, 1e-10)] // n > d, kernel forced
    [InlineData(150, 400, false, 1e-4)] // sklearn's defaults: only the AUC is held to parity
    public void Kernel_solver_matches_sklearn(int n, int d, bool standardize, double tol)
    {
        var (x, y) = EstimatorTestData.Logistic(seed: 31, n: n, d: d, signal: 2.5, offset: 0.4);
        var (xt, yt) = EstimatorTestData.Logistic(seed: 32, n: 400, d: d, signal: 2.5, offset: 0.4);
        double[] cs = [0.001, 0.03, 1.0];
        var dir = RepoPaths.NewTempDir("pm-kernel-logreg");
        try
        {
            var stdin = JsonSerializer.Serialize(new
            {
                x = EstimatorTestData.WriteNpy(dir, "x", x, n, d), y = EstimatorTestData.WriteNpy(dir, "y", y),
                xt = EstimatorTestData.WriteNpy(dir, "xt", xt, yt.Length, d), yt = EstimatorTestData.WriteNpy(dir, "yt", yt),
                cs, tol, max_iter = 20000, standardize,
            });
            using var peer = JsonDocument.Parse(Peers.RunPython(SklearnFits, stdin));
            var options = new LogisticRegressionOptions(Tolerance: tol, MaxIterations: 20000, Standardize: standardize, Solver: LogisticRegressionSolver.Kernel);
            var path = LogisticRegression.FitPath(x, y, d, cs, options);
            for (int k = 0; k < cs.Length; k++)
            {
                var sk = peer.RootElement[k];
                var model = path[k];
                Assert.Equal(LogisticRegressionSolver.Kernel, model.Solver);
                double skAuc = sk.GetProperty("auc").GetDouble();
                Assert.InRange(Roc.RocAuc(model.PredictLogits(xt), yt), skAuc - 0.005, skAuc + 0.005);
                if (tol > 1e-6) continue;
                // Both sides stop on the relative-decrease rule first; it pins the objective, the coefficients to ~1e-3.
                double skObjective = sk.GetProperty("objective").GetDouble();
                Assert.Equal(skObjective, model.Objective, Math.Abs(skObjective) * 1e-6);
                var skCoef = EstimatorTestData.Doubles(sk.GetProperty("coef"));
                double rel = EstimatorTestData.RelativeError([.. model.Coefficients, model.Intercept], [.. skCoef, sk.GetProperty("intercept").GetDouble()]);
                Assert.True(rel <= 1e-2, $"C={cs[k]}: relative coefficient error {rel:g3} exceeds 1e-2");
                Assert.True(model.Converged, $"C={cs[k]} did not converge in {model.Iterations} iterations");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
