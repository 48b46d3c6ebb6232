using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Estimators;
using ProbeMonitor.Formats.Numpy;
using ProbeMonitor.Statistics;

using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Benchmarks;

/// <summary>
/// `logreg`: the sparse-probing C grid (logspace(5, −5, 10), lbfgs, max_iter 1000, tol 1e-4) fitted on 2,000 × 3,584
/// synthetic "activations", by this project (warm-started path) and by scikit-learn 1.2 on the same data in the same run,
/// both as the protocol does it (one cold fit per C) and with sklearn's own warm_start.
/// </summary>
/// <remarks>
/// The data: correlated Gaussian features (a rank-64 common part plus noise, per-feature scales spread over a decade, a few
/// large-offset dimensions like a residual stream), labels from a logistic model on a random direction. With n &lt; d the
/// training set is separable, so the large-C fits are nearly unregularised and the slowest for both sides.
/// </remarks>
public static class LogRegBenchmark
{
    private const string SklearnScript = """
        import json, sys, time
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        d = json.load(sys.stdin)
        X = np.load(d["x"]).astype(np.float64); y = np.load(d["y"])
        Xt = np.load(d["xt"]).astype(np.float64); yt = np.load(d["yt"])
        Cs = d["cs"]
        res = {}
        t0 = time.perf_counter(); cold = []
        for C in Cs:
            m = LogisticRegression(C=C, max_iter=d["max_iter"], tol=d["tol"]).fit(X, y)
            cold.append({"auc": roc_auc_score(yt, m.decision_function(Xt)), "n_iter": int(m.n_iter_[0])})
        res["cold_s"] = time.perf_counter() - t0; res["cold"] = cold
        t0 = time.perf_counter(); warm = []
        m = LogisticRegression(max_iter=d["max_iter"], tol=d["tol"], warm_start=True)
        for C in sorted(Cs):
            m.set_params(C=C); m.fit(X, y)
            warm.append({"C": C, "auc": roc_auc_score(yt, m.decision_function(Xt)), "n_iter": int(m.n_iter_[0])})
        res["warm_s"] = time.perf_counter() - t0; res["warm"] = warm
        print(json.dumps(res))
        """;

    /// <summary>Options: --rows N (2000), --features D (3584), --test N (1000), --max-iter N (1000), --seed S (1), --no-peer.</summary>
    public static int Run(string[] args)
    {
        int rows = 2000, features = 3584, testRows = 1000, maxIter = 1000, seed = 1;
        bool peer = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--features": features = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--test": testRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--max-iter": maxIter = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-peer": peer = false; break;
                default:
                    Console.Error.WriteLine($"logreg: unknown option '{args[i]}' (use --rows, --features, --test, --max-iter, --seed, --no-peer)");
                    return 2;
            }
        }

        var (x, y, xt, yt) = SyntheticActivations(seed, rows, testRows, features);
        var cs = LogisticRegression.LogSpace(5, -5, 10);
        const double tol = 1e-4;
        string loadBefore = MachineLoad.Average();
        Console.WriteLine($"data: {rows}×{features} train, {testRows} test (seed {seed}); C grid logspace(5,−5,10); lbfgs max_iter {maxIter}, tol {tol}");
        Console.WriteLine($"cores: {Environment.ProcessorCount}; load average before: {loadBefore}");

        var options = new LogisticRegressionOptions(MaxIterations: maxIter, Tolerance: tol);
        LogisticRegression.FitPath(x, y, features, [1e-3], options with { MaxIterations = 5 }); // JIT warm-up
        var sw = Stopwatch.StartNew();
        var path = LogisticRegression.FitPath(x, y, features, cs, options);
        double oursSeconds = sw.Elapsed.TotalSeconds;
        var ourAuc = path.Select(m => Roc.RocAuc(m.PredictLogits(xt), yt)).ToArray();

        JsonDocument? sk = null;
        if (peer)
        {
            var dir = Path.Combine(Path.GetTempPath(), $"pm-logreg-bench-{Guid.NewGuid():N}");
            Directory.CreateDirectory(dir);
            try
            {
                var stdin = JsonSerializer.Serialize(new
                {
                    x = WriteNpy(dir, "x", x, [rows, features]), y = WriteNpy(dir, "y", y),
                    xt = WriteNpy(dir, "xt", xt, [testRows, features]), yt = WriteNpy(dir, "yt", yt),
                    cs, max_iter = maxIter, tol,
                });
                sk = JsonDocument.Parse(Peers.RunPython(SklearnScript, stdin, TimeSpan.FromHours(1)));
            }
            finally { Directory.Delete(dir, recursive: true); }
        }
        string loadAfter = MachineLoad.Average();

        Console.WriteLine();
        Console.WriteLine("| C | ours iters/evals | ours AUC | sklearn cold iters | sklearn cold AUC | sklearn warm AUC |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        double worstDiff = 0;
        for (int k = 0; k < cs.Length; k++)
        {
            string coldIt = "", coldAuc = "", warmAuc = "";
            if (sk is not null)
            {
                var cold = sk.RootElement.GetProperty("cold")[k];
                coldIt = cold.GetProperty("n_iter").GetInt32().ToString(CultureInfo.InvariantCulture);
                double a = cold.GetProperty("auc").GetDouble();
                coldAuc = a.ToString("0.0000", CultureInfo.InvariantCulture);
                worstDiff = Math.Max(worstDiff, Math.Abs(a - ourAuc[k]));
                var warm = sk.RootElement.GetProperty("warm").EnumerateArray().First(e => e.GetProperty("C").GetDouble() == cs[k]);
                warmAuc = warm.GetProperty("auc").GetDouble().ToString("0.0000", CultureInfo.InvariantCulture);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cs[k]:0.###e+0} | {path[k].Iterations}/{path[k].Evaluations}{(path[k].Converged ? "" : "*")} | {ourAuc[k]:0.0000} | {coldIt} | {coldAuc} | {warmAuc} |"));
        }
        Console.WriteLine();
        Console.WriteLine("| solver | seconds | ratio to ours | best test AUC |");
        Console.WriteLine("|---|---:|---:|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ProbeMonitor (warm path, {Environment.ProcessorCount} threads) | {oursSeconds:0.00} | 1.00 | {ourAuc.Max():0.0000} |"));
        if (sk is not null)
        {
            double cold = sk.RootElement.GetProperty("cold_s").GetDouble(), warm = sk.RootElement.GetProperty("warm_s").GetDouble();
            double coldBest = sk.RootElement.GetProperty("cold").EnumerateArray().Max(e => e.GetProperty("auc").GetDouble());
            double warmBest = sk.RootElement.GetProperty("warm").EnumerateArray().Max(e => e.GetProperty("auc").GetDouble());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sklearn 1.2, cold fit per C (protocol) | {cold:0.00} | {cold / oursSeconds:0.00} | {coldBest:0.0000} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| sklearn 1.2, warm_start | {warm:0.00} | {warm / oursSeconds:0.00} | {warmBest:0.0000} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nlargest per-C |AUC difference| vs sklearn cold: {worstDiff:0.0000}"));
        }
        Console.WriteLine($"load average after: {loadAfter} (* = stopped at max_iter)");
        return 0;
    }

    private static (float[] X, int[] Y, float[] Xt, int[] Yt) SyntheticActivations(int seed, int rows, int testRows, int d)
    {
        var rng = new Random(seed);
        const int rank = 64;
        var basis = new double[rank * d];
        for (int i = 0; i < basis.Length; i++) basis[i] = Gaussian(rng) / Math.Sqrt(rank);
        var scale = new double[d];
        var offset = new double[d];
        for (int j = 0; j < d; j++)
        {
            scale[j] = Math.Pow(10, rng.NextDouble());
            offset[j] = j % 500 == 0 ? 50 * Gaussian(rng) : 0.5 * Gaussian(rng);
        }
        var direction = new double[d];
        for (int j = 0; j < d; j++) direction[j] = Gaussian(rng) / scale[j];
        (float[], int[]) Draw(int n)
        {
            var x = new float[n * d];
            var y = new int[n];
            var latent = new double[rank];
            var row = new double[d];
            for (int i = 0; i < n; i++)
            {
                for (int r = 0; r < rank; r++) latent[r] = Gaussian(rng);
                double z = 0;
                for (int j = 0; j < d; j++)
                {
                    double v = 0.7 * Gaussian(rng);
                    for (int r = 0; r < rank; r++) v += latent[r] * basis[r * d + j];
                    row[j] = v * scale[j];
                    z += row[j] * direction[j];
                    x[i * d + j] = (float)(row[j] + offset[j]);
                }
                y[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-z / Math.Sqrt(d) * 8)) ? 1 : 0;
            }
            return (x, y);
        }
        var (xs, ys) = Draw(rows);
        var (xts, yts) = Draw(testRows);
        return (xs, ys, xts, yts);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());

    private static string WriteNpy(string dir, string name, float[] data, long[] shape)
    {
        var path = Path.Combine(dir, name + ".npy");
        using var stream = File.Create(path);
        NpyWriter.Write(stream, data, shape);
        return path;
    }

    private static string WriteNpy(string dir, string name, int[] data)
    {
        var path = Path.Combine(dir, name + ".npy");
        using var stream = File.Create(path);
        NpyWriter.Write(stream, data.Select(v => (long)v).ToArray(), [data.Length]);
        return path;
    }

}
