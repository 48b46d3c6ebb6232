using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Estimators;
using ProbeMonitor.Evaluation;
using ProbeMonitor.Sae;

using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Benchmarks;

/// <summary>
/// `sparse-rank`: the answerability protocol's 1-sparse ranking — 5-fold CV AUC of every latent of a 131,072-wide JumpReLU SAE
/// over 2,000 examples at L0 ≈ 100 — against scikit-learn fitting one LogisticRegression per latent and fold (the direct way),
/// timed on a subset of latents and extrapolated to the full width (said so in the output), with the subset's AUCs compared.
/// </summary>
/// <remarks>
/// The activations are synthetic and sparse from the start (no encoder pass): each row fires ~Poisson(100) latents drawn from a
/// power-law frequency profile (p_j ∝ (j + 1)^−0.8), values threshold + Exp(1); 256 latents fire three times as often on
/// positives, so the ranking has something to find.
/// </remarks>
public static class SparseRankBenchmark
{
    private const string SklearnScript = """
        import json, sys, time
        import numpy as np
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        d = json.load(sys.stdin)
        X = np.load(d["x"]).astype(np.float64); y = np.load(d["y"]); f = np.load(d["fold"])
        t0 = time.perf_counter(); out = []
        for j in range(X.shape[1]):
            s = []
            for k in range(d["folds"]):
                tr, va = f != k, f == k
                m = LogisticRegression(C=1.0, max_iter=1000).fit(X[tr, j:j+1], y[tr])
                s.append(roc_auc_score(y[va], m.decision_function(X[va, j:j+1])))
            out.append(float(np.mean(s)))
        print(json.dumps({"seconds": time.perf_counter() - t0, "auc": out}))
        """;

    /// <summary>Options: --rows N (2000), --width W (131072), --l0 L (100), --folds K (5), --subset S (256), --repeats R (5), --seed S (1), --no-peer.</summary>
    public static int Run(string[] args)
    {
        int rows = 2000, width = 131072, folds = 5, subset = 256, repeats = 5, seed = 1;
        double l0 = 100;
        bool peer = true;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--width": width = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--l0": l0 = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--folds": folds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--subset": subset = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--repeats": repeats = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--no-peer": peer = false; break;
                default:
                    Console.Error.WriteLine($"sparse-rank: unknown option '{args[i]}' (use --rows, --width, --l0, --folds, --subset, --repeats, --seed, --no-peer)");
                    return 2;
            }
        }

        var clock = Stopwatch.StartNew();
        var (latents, y) = Synthetic(rows, width, l0, seed);
        double generate = clock.Elapsed.TotalSeconds;
        var foldOf = StratifiedHoldout.FoldIds(Splits.StratifiedKFold(y, folds, seed), rows);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"data: {rows} examples × {width} latents, mean L0 {latents.NonZeros / (double)rows:F1} ({latents.NonZeros} non-zeros, generated in {generate:F1} s); {folds} folds"));
        Console.WriteLine($"cores: {Environment.ProcessorCount}; load average before: {MachineLoad.Average()}");

        OneSparseRanking.CvAuc(latents, y, foldOf, folds); // JIT warm-up
        var times = new List<double>();
        double[] auc = [];
        for (int r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            auc = OneSparseRanking.CvAuc(latents, y, foldOf, folds);
            times.Add(sw.Elapsed.TotalSeconds);
        }
        double ours = BenchmarkTimer.Median(times);
        var order = OneSparseRanking.Order(auc);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ours: median {ours:F3} s over {repeats} runs (min {times.Min():F3}, max {times.Max():F3}); best latent {order[0]} CV AUC {auc[order[0]]:F4}"));

        if (peer)
        {
            // The subset: the best-ranked quarter, the most frequent quarter, the rest spread over all widths.
            var ids = order.Take(subset / 4).Concat(Enumerable.Range(0, subset / 4))
                .Concat(Enumerable.Range(0, subset).Select(k => (int)((long)k * width / subset))).Distinct().Take(subset).ToArray();
            var dir = Path.Combine(Path.GetTempPath(), $"pm-sparse-rank-{Guid.NewGuid():N}");
            Directory.CreateDirectory(dir);
            try
            {
                var stdin = JsonSerializer.Serialize(new
                {
                    x = NpyFiles.Write(dir, "x", latents.Gather(ids), [rows, ids.Length]), y = NpyFiles.Write(dir, "y", y), fold = NpyFiles.Write(dir, "fold", foldOf), folds,
                });
                using var sk = JsonDocument.Parse(Peers.RunPython(SklearnScript, stdin, TimeSpan.FromHours(1)));
                double seconds = sk.RootElement.GetProperty("seconds").GetDouble();
                var skAuc = sk.RootElement.GetProperty("auc").EnumerateArray().Select(e => e.GetDouble()).ToArray();
                double worst = ids.Select((j, k) => Math.Abs(skAuc[k] - auc[j])).Max();
                double extrapolated = seconds * width / ids.Length;
                Console.WriteLine();
                Console.WriteLine("| method | latents timed | seconds | full width (131,072 × 5 folds) | ratio to ours |");
                Console.WriteLine("|---|---:|---:|---:|---:|");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ProbeMonitor closed-form sparse sweep ({Environment.ProcessorCount} threads) | {width} | {ours:F3} | {ours:F3} (measured) | 1.0 |"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| sklearn 1.2 LogisticRegression per latent and fold | {ids.Length} | {seconds:F2} | {extrapolated:F0} (extrapolated ×{width / (double)ids.Length:F0}) | {extrapolated / ours:F0} |"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nlargest |CV AUC difference| vs sklearn on the {ids.Length} timed latents: {worst:E2}"));
            }
            finally { Directory.Delete(dir, recursive: true); }
        }
        Console.WriteLine($"load average after: {MachineLoad.Average()}");
        return 0;
    }

    private static (LatentMatrix Latents, int[] Y) Synthetic(int rows, int width, double l0, int seed)
    {
        var rng = new Random(seed);
        var cdf = new double[width];
        double total = 0;
        for (int j = 0; j < width; j++) cdf[j] = total += Math.Pow(j + 1, -0.8);
        var informative = Enumerable.Range(0, 256).Select(_ => rng.Next(width)).Distinct().ToArray();
        var y = Enumerable.Range(0, rows).Select(i => i % 2).ToArray();
        rng.Shuffle(y);
        var list = new List<SparseLatents>(rows);
        var fired = new SortedDictionary<int, float>();
        for (int i = 0; i < rows; i++)
        {
            fired.Clear();
            int count = Poisson(rng, l0);
            for (int c = 0; c < count; c++)
            {
                int j = Array.BinarySearch(cdf, rng.NextDouble() * total);
                fired[j < 0 ? ~j : j] = 0.5f + (float)-Math.Log(1 - rng.NextDouble());
            }
            foreach (int j in informative)
                if (rng.NextDouble() < (y[i] == 1 ? 0.09 : 0.03)) fired[j] = 0.5f + (float)-Math.Log(1 - rng.NextDouble());
            list.Add(new SparseLatents(fired.Keys.ToArray(), fired.Values.ToArray()));
        }
        return (LatentMatrix.FromRows(list, width), y);
    }

    private static int Poisson(Random rng, double mean)
    {
        // Normal approximation is plenty for a mean of ~100.
        double v = mean + Math.Sqrt(mean) * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        return Math.Max(0, (int)Math.Round(v));
    }
}
