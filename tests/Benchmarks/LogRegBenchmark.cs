using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Estimators;
using ProbeMonitor.Statistics;

using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Benchmarks;

/// <summary>
/// `logreg`: the sparse-probing C grid (logspace(5, −5, 10), lbfgs, max_iter 1000, tol 1e-4) fitted on 2,000 × 3,584
/// synthetic "activations", by this project (warm-started path, kernel and primal representations of the same L-BFGS) and
/// by scikit-learn 1.2 on the same data in the same run, both as the protocol does it (one cold fit per C) and with
/// sklearn's own warm_start. Reports iterations and evaluations per C, wall and CPU seconds, multiply-add counts, the best C
/// by held-out AUC and the ratios.
/// </summary>
/// <remarks>
/// The data: correlated Gaussian features (a rank-64 common part plus noise, per-feature scales spread over a decade, a few
/// large-offset dimensions like a residual stream), labels from a logistic model on a random direction. With n &lt; d the
/// training set is separable, so the large-C fits are nearly unregularised. sklearn's evaluation counts come from wrapping
/// scipy.optimize.minimize (nfev) inside the peer script; its CPU seconds are the peer process's time.process_time().
/// </remarks>
public static class LogRegBenchmark
{
    private const string SklearnScript = """
        import json, sys, time
        import numpy as np
        import sklearn.linear_model._logistic as L
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        nfev = []
        _minimize = L.optimize.minimize
        def counting(*a, **k):
            r = _minimize(*a, **k); nfev.append(int(r.nfev)); return r
        L.optimize.minimize = counting
        d = json.load(sys.stdin)
        X = np.load(d["x"]).astype(np.float64); y = np.load(d["y"])
        Xt = np.load(d["xt"]).astype(np.float64); yt = np.load(d["yt"])
        Cs = d["cs"]
        res = {}
        t0 = time.perf_counter(); c0 = time.process_time(); cold = []
        for C in Cs:
            m = LogisticRegression(C=C, max_iter=d["max_iter"], tol=d["tol"]).fit(X, y)
            cold.append({"auc": roc_auc_score(yt, m.decision_function(Xt)), "n_iter": int(m.n_iter_[0]), "nfev": nfev[-1]})
        res["cold_s"] = time.perf_counter() - t0; res["cold_cpu"] = time.process_time() - c0; res["cold"] = cold
        t0 = time.perf_counter(); c0 = time.process_time(); warm = []
        m = LogisticRegression(max_iter=d["max_iter"], tol=d["tol"], warm_start=True)
        for C in sorted(Cs):
            m.set_params(C=C); m.fit(X, y)
            warm.append({"C": C, "auc": roc_auc_score(yt, m.decision_function(Xt)), "n_iter": int(m.n_iter_[0]), "nfev": nfev[-1]})
        res["warm_s"] = time.perf_counter() - t0; res["warm_cpu"] = time.process_time() - c0; res["warm"] = warm
        print(json.dumps(res))
        """;

    private sealed record OurRun(string Name, LogisticRegressionModel[] Path, double[] Auc, double Wall, double Cpu, double MegaFma);

    private sealed record PeerRun(string Name, int[] Iterations, int[] Evaluations, double[] Auc, double Wall, double Cpu, double MegaFma);

    /// <summary>Options: --rows N (2000), --features D (3584), --test N (1000), --max-iter N (1000), --seed S (1), --no-peer, --no-primal, --threads N (0 = all).</summary>
    public static int Run(string[] args)
    {
        int rows = 2000, features = 3584, testRows = 1000, maxIter = 1000, seed = 1, threads = 0;
        bool peer = true, primal = true;
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
                case "--no-primal": primal = false; break;
                case "--threads": threads = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"logreg: unknown option '{args[i]}' (use --rows, --features, --test, --max-iter, --seed, --no-peer, --no-primal, --threads)");
                    return 2;
            }
        }

        var (x, y, xt, yt) = SyntheticActivations(seed, rows, testRows, features);
        var cs = LogisticRegression.LogSpace(5, -5, 10);
        const double tol = 1e-4;
        string loadBefore = MachineLoad.Average();
        Console.WriteLine($"data: {rows}×{features} train, {testRows} test (seed {seed}); C grid logspace(5,−5,10); lbfgs max_iter {maxIter}, tol {tol}");
        Console.WriteLine($"cores: {Environment.ProcessorCount}; load average before: {loadBefore}");

        var options = new LogisticRegressionOptions(MaxIterations: maxIter, Tolerance: tol, MaxDegreeOfParallelism: threads);
        double n = rows, d = features;
        var ours = new List<OurRun>();
        foreach (var solver in primal ? new[] { LogisticRegressionSolver.Auto, LogisticRegressionSolver.Primal } : [LogisticRegressionSolver.Auto])
        {
            var o = options with { Solver = solver };
            LogisticRegression.FitPath(x.AsSpan(0, 64 * features), y.AsSpan(0, 64), features, [1e-3], o with { MaxIterations = 5 }); // JIT warm-up
            var (path, wall, cpu) = Timed(() => LogisticRegression.FitPath(x, y, features, cs, o));
            int evaluations = path.Sum(m => m.Evaluations);
            bool kernel = path[0].Solver == LogisticRegressionSolver.Kernel;
            // Multiply-adds: the kernel side pays the Gram matrix once plus one n² product per accepted point (line-search
            // trials are O(n) there), and n·d per exact gradient test and per final weight vector (not counted: a few
            // dozen); the primal side two passes over X per evaluation.
            int accepted = path.Sum(m => m.Iterations + 1);
            double fma = kernel ? n * n * d / 2 + accepted * n * n : evaluations * 2 * n * d;
            var auc = path.Select(m => Roc.RocAuc(m.PredictLogits(xt), yt)).ToArray();
            ours.Add(new OurRun($"ProbeMonitor {(kernel ? "kernel" : "primal")} L-BFGS, warm path, {(threads > 0 ? threads : Environment.ProcessorCount)} threads{(solver == LogisticRegressionSolver.Auto ? " (Auto)" : "")}", path, auc, wall, cpu, fma / 1e6));
        }

        var peers = new List<PeerRun>();
        if (peer)
        {
            var dir = Path.Combine(Path.GetTempPath(), $"pm-logreg-bench-{Guid.NewGuid():N}");
            Directory.CreateDirectory(dir);
            try
            {
                var stdin = JsonSerializer.Serialize(new
                {
                    x = NpyFiles.Write(dir, "x", x, [rows, features]), y = NpyFiles.Write(dir, "y", y),
                    xt = NpyFiles.Write(dir, "xt", xt, [testRows, features]), yt = NpyFiles.Write(dir, "yt", yt),
                    cs, max_iter = maxIter, tol,
                });
                using var sk = JsonDocument.Parse(Peers.RunPython(SklearnScript, stdin, TimeSpan.FromHours(1)));
                var root = sk.RootElement;
                var cold = root.GetProperty("cold").EnumerateArray().ToArray();
                // The warm run went through the grid in ascending C; put it back in grid order.
                var warm = cs.Select(c => root.GetProperty("warm").EnumerateArray().First(e => e.GetProperty("C").GetDouble() == c)).ToArray();
                foreach (var (name, rowsOf, key) in new[] { ("sklearn 1.2, cold fit per C (protocol)", cold, "cold"), ("sklearn 1.2, warm_start", warm, "warm") })
                {
                    var ev = rowsOf.Select(e => e.GetProperty("nfev").GetInt32()).ToArray();
                    peers.Add(new PeerRun(name, rowsOf.Select(e => e.GetProperty("n_iter").GetInt32()).ToArray(), ev,
                        rowsOf.Select(e => e.GetProperty("auc").GetDouble()).ToArray(),
                        root.GetProperty(key + "_s").GetDouble(), root.GetProperty(key + "_cpu").GetDouble(), ev.Sum() * 2 * n * d / 1e6));
                }
            }
            finally { Directory.Delete(dir, recursive: true); }
        }
        string loadAfter = MachineLoad.Average();
        PrintTables(cs, ours, peers);
        Console.WriteLine($"load average after: {loadAfter} (* = stopped at max_iter)");
        return 0;
    }

    private static void PrintTables(double[] cs, List<OurRun> ours, List<PeerRun> peers)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine("iterations/evaluations and held-out AUC per C:");
        Console.WriteLine("| C | " + string.Join(" | ", ours.Select(o => o.Name.Split(',')[0] + " it/ev | AUC").Concat(peers.Select(p => p.Name.Split(',')[1].Trim() + " it/ev | AUC"))) + " |");
        Console.WriteLine("|---:|" + string.Concat(Enumerable.Repeat("---:|---:|", ours.Count + peers.Count)));
        for (int k = 0; k < cs.Length; k++)
        {
            var cells = ours.Select(o => string.Create(inv, $"{o.Path[k].Iterations}/{o.Path[k].Evaluations}{(o.Path[k].Converged ? "" : "*")} | {o.Auc[k]:0.0000}"))
                .Concat(peers.Select(p => string.Create(inv, $"{p.Iterations[k]}/{p.Evaluations[k]} | {p.Auc[k]:0.0000}")));
            Console.WriteLine(string.Create(inv, $"| {cs[k]:0.###e+0} | ") + string.Join(" | ", cells) + " |");
        }
        Console.WriteLine();
        var reference = peers.Count > 0 ? peers[0] : null;
        Console.WriteLine("| solver | wall s | CPU s | evaluations | M multiply-adds | best C | best AUC | sklearn cold wall / this | sklearn cold CPU / this |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        void Row(string name, double wall, double cpu, int evals, double mfma, double[] auc)
        {
            int best = 0;
            for (int k = 1; k < auc.Length; k++) if (auc[k] > auc[best]) best = k;
            string ratios = reference is null ? " | " : string.Create(inv, $"{reference.Wall / wall:0.00} | {reference.Cpu / cpu:0.00}");
            Console.WriteLine(string.Create(inv, $"| {name} | {wall:0.00} | {cpu:0.00} | {evals} | {mfma:0} | {cs[best]:0.###e+0} | {auc[best]:0.0000} | {ratios} |"));
        }
        foreach (var o in ours) Row(o.Name, o.Wall, o.Cpu, o.Path.Sum(m => m.Evaluations), o.MegaFma, o.Auc);
        foreach (var p in peers) Row(p.Name, p.Wall, p.Cpu, p.Evaluations.Sum(), p.MegaFma, p.Auc);
        if (reference is not null)
            foreach (var o in ours)
                Console.WriteLine(string.Create(inv, $"{o.Name}: largest per-C |AUC difference| vs sklearn cold {Enumerable.Range(0, cs.Length).Max(k => Math.Abs(o.Auc[k] - reference.Auc[k])):0.0000}, vs sklearn warm_start {Enumerable.Range(0, cs.Length).Max(k => Math.Abs(o.Auc[k] - peers[1].Auc[k])):0.0000}"));
        Console.WriteLine("stopping rule (both of ours): SciPy L-BFGS-B's as sklearn calls it — max|∂f/∂w, ∂f/∂b| ≤ tol on the primal gradient, relative decrease ≤ 2.2e-9, max_iter; " +
            "the kernel solver computes that largest component (an n·d pass) whenever the bounds ‖g‖₂/√D ≤ ‖g‖∞ ≤ ‖g‖₂ leave the test open, " +
            "except while the last measured ratio ‖g‖∞/‖g‖₂ predicts more than 1.5·tol (at most 7 iterations in a row), so it may stop a few iterations later than the rule, never earlier");
        if (ours.Count == 2)
            Console.WriteLine(string.Create(inv, $"kernel vs primal (same L-BFGS, same stopping rule): largest per-C |AUC difference| {Enumerable.Range(0, cs.Length).Max(k => Math.Abs(ours[0].Auc[k] - ours[1].Auc[k])):0.0000}; sklearn's multiply-adds counted as 2nd per evaluation"));
    }

    private static (T Result, double Wall, double Cpu) Timed<T>(Func<T> run)
    {
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var result = run();
        double wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        return (result, wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
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
}
