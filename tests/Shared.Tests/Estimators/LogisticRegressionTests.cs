using System.Text.Json;
using ProbeMonitor.Estimators;
using ProbeMonitor.Statistics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Estimators;

public sealed class LogisticRegressionTests
{
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
            out.append({"coef": m.coef_[0].tolist(), "intercept": float(m.intercept_[0]),
                        "auc": roc_auc_score(yt, m.predict_proba(Xt)[:, 1]), "n_iter": int(m.n_iter_[0])})
        print(json.dumps(out))
        """;

    [PeerTheory("python:sklearn")]
    [InlineData(false)]
    [InlineData(true)]
    public void Coefficients_and_auc_match_sklearn_at_tight_tolerance(bool standardize)
    {
        const int d = 40;
        var (x, y) = EstimatorTestData.Logistic(seed: 7, n: 600, d: d, signal: 2.5, offset: 0.4);
        var (xt, yt) = EstimatorTestData.Logistic(seed: 8, n: 400, d: d, signal: 2.5, offset: 0.4);
        double[] cs = [0.003, 0.1, 3.0, 100.0];
        var dir = RepoPaths.NewTempDir("pm-logreg");
        try
        {
            var stdin = JsonSerializer.Serialize(new
            {
                x = EstimatorTestData.WriteNpy(dir, "x", x, y.Length, d), y = EstimatorTestData.WriteNpy(dir, "y", y),
                xt = EstimatorTestData.WriteNpy(dir, "xt", xt, yt.Length, d), yt = EstimatorTestData.WriteNpy(dir, "yt", yt),
                cs, tol = 1e-10, max_iter = 20000, standardize,
            });
            using var peer = JsonDocument.Parse(Peers.RunPython(SklearnFits, stdin));
            var options = new LogisticRegressionOptions(Tolerance: 1e-10, MaxIterations: 20000, Standardize: standardize);
            var path = LogisticRegression.FitPath(x, y, d, cs, options);
            for (int k = 0; k < cs.Length; k++)
            {
                var sk = peer.RootElement[k];
                var skCoef = EstimatorTestData.Doubles(sk.GetProperty("coef"));
                var model = path[k];
                double rel = EstimatorTestData.RelativeError([.. model.Coefficients, model.Intercept], [.. skCoef, sk.GetProperty("intercept").GetDouble()]);
                Assert.True(rel <= 1e-3, $"C={cs[k]}: relative coefficient error {rel:g3} exceeds 1e-3");
                double auc = Roc.RocAuc(model.PredictProba(xt), yt);
                Assert.InRange(auc, sk.GetProperty("auc").GetDouble() - 0.005, sk.GetProperty("auc").GetDouble() + 0.005);
                Assert.True(model.Converged, $"C={cs[k]} did not converge in {model.Iterations} iterations");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Gradient_matches_central_differences()
    {
        const int d = 9;
        var (x, y) = EstimatorTestData.Logistic(seed: 3, n: 37, d: d);
        var scaling = FeatureScaling.Fit(x, d);
        var rng = new Random(5);
        var theta = Enumerable.Range(0, d + 1).Select(_ => EstimatorTestData.Gaussian(rng) * 0.3).ToArray();
        foreach (var s in new[] { null, scaling })
        {
            var g = new double[d + 1];
            double f = LogisticObjective.EvaluateOnce(x, y, d, s, 0.7, theta, g);
            Assert.Equal(NaiveObjective(x, y, d, theta, s, 0.7), f, 1e-10);
            var scratch = new double[d + 1];
            for (int j = 0; j <= d; j++)
            {
                const double h = 1e-6;
                var plus = (double[])theta.Clone(); plus[j] += h;
                var minus = (double[])theta.Clone(); minus[j] -= h;
                double numeric = (LogisticObjective.EvaluateOnce(x, y, d, s, 0.7, plus, scratch) - LogisticObjective.EvaluateOnce(x, y, d, s, 0.7, minus, scratch)) / (2 * h);
                Assert.Equal(numeric, g[j], 1e-5);
            }
        }
    }

    [Fact]
    public void Warm_started_path_reaches_the_same_optimum_as_cold_fits()
    {
        const int d = 12;
        var (x, y) = EstimatorTestData.Logistic(seed: 11, n: 300, d: d);
        var cs = LogisticRegression.LogSpace(3, -3, 7);
        var options = new LogisticRegressionOptions(Tolerance: 1e-9, MaxIterations: 5000);
        var path = LogisticRegression.FitPath(x, y, d, cs, options);
        for (int k = 0; k < cs.Length; k++)
        {
            var cold = LogisticRegression.Fit(x, y, d, options with { C = cs[k] });
            Assert.Equal(cs[k], path[k].C);
            // Both stop on SciPy's relative-decrease rule (2.2e-9), which pins the objective far tighter than the coefficients.
            Assert.Equal(cold.Objective, path[k].Objective, Math.Abs(cold.Objective) * 1e-7);
            Assert.True(EstimatorTestData.RelativeError([.. path[k].Coefficients, path[k].Intercept], [.. cold.Coefficients, cold.Intercept]) < 1e-3);
        }
    }

    [Fact]
    public void Results_do_not_depend_on_thread_count()
    {
        const int d = 16;
        var (x, y) = EstimatorTestData.Logistic(seed: 2, n: 2100, d: d);
        var one = LogisticRegression.Fit(x, y, d, new LogisticRegressionOptions(MaxDegreeOfParallelism: 1));
        var many = LogisticRegression.Fit(x, y, d, new LogisticRegressionOptions(MaxDegreeOfParallelism: 4));
        Assert.Equal(one.Coefficients, many.Coefficients);
        Assert.Equal(one.Intercept, many.Intercept);
    }

    [Fact]
    public void Raw_space_weights_reproduce_standardised_logits()
    {
        const int d = 6;
        var (x, y) = EstimatorTestData.Logistic(seed: 4, n: 200, d: d, featureScale: 30);
        var model = LogisticRegression.Fit(x, y, d, new LogisticRegressionOptions(Standardize: true));
        var z = model.PredictLogits(x);
        var scaled = model.Scaling!.Transform(x);
        for (int i = 0; i < y.Length; i++)
        {
            double expected = model.Intercept;
            for (int j = 0; j < d; j++) expected += model.Coefficients[j] * scaled[i * d + j];
            Assert.Equal(expected, z[i], 1e-4);
        }
        var probe = new ProbeMonitor.Probes.DenseProbe("p", d, model.ToProbeWeights());
        var logits = new float[y.Length];
        probe.ScoreLogits(x, y.Length, logits);
        for (int i = 0; i < y.Length; i++) Assert.Equal(z[i], logits[i], 1e-3);
    }

    [Fact]
    public void LogSpace_matches_numpy()
    {
        var grid = LogisticRegression.LogSpace(5, -5, 10);
        Assert.Equal(1e5, grid[0], 1e-9);
        Assert.Equal(Math.Pow(10, 5 - 10.0 / 9), grid[1], 1e-9);
        Assert.Equal(1e-5, grid[9], 1e-20);
    }

    [Fact]
    public void Rejects_bad_training_data()
    {
        float[] x = [1, 2, 3, 4, 5, 6];
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => LogisticRegression.Fit([], [], 2)).Message);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => LogisticRegression.Fit([1, float.NaN, 3, 4, 5, 6], [0, 1, 0], 2)).Message);
        Assert.Contains("6 values but 2 rows", Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(x, [0, 1], 2)).Message);
        Assert.Contains("only class 1", Assert.Throws<SingleClassException>(() => LogisticRegression.Fit(x, [1, 1, 1], 2)).Message);
        Assert.Contains("y[2] is 2", Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(x, [0, 1, 2], 2)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => LogisticRegression.Fit(x, [0, 1, 0], 2, new LogisticRegressionOptions(C: 0)));
        var model = LogisticRegression.Fit(x, [0, 1, 0], 2);
        Assert.Contains("whole number", Assert.Throws<ArgumentException>(() => model.PredictLogits([1, 2, 3])).Message);
    }

    private static double NaiveObjective(float[] x, int[] y, int d, double[] theta, FeatureScaling? s, double c)
    {
        double f = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double z = theta[d];
            for (int j = 0; j < d; j++)
            {
                double v = x[i * d + j];
                if (s is not null) v = (v - s.Mean[j]) / s.Scale[j];
                z += theta[j] * v;
            }
            f += Math.Log(1 + Math.Exp(z)) - y[i] * z;
        }
        for (int j = 0; j < d; j++) f += theta[j] * theta[j] / (2 * c);
        return f;
    }
}
