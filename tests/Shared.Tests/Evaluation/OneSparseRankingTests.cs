using System.Globalization;
using System.Text.Json;
using ProbeMonitor.Estimators;
using ProbeMonitor.Evaluation;
using ProbeMonitor.Statistics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Evaluation;

public sealed class OneSparseRankingTests
{
    /// <summary>Sparse non-negative latents, dead and always-on ones included, some tied to the labels; with <paramref name="ties"/> values lie
    /// on a grid of ½ so many tie (and class means can coincide exactly), otherwise they are continuous.</summary>
    private static (LatentMatrix Latents, float[] Dense, int[] Y) Case(int n, int width, int seed, bool ties = true)
    {
        var rng = new Random(seed);
        var y = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        rng.Shuffle(y);
        var dense = new float[n * width];
        for (int i = 0; i < n; i++)
            for (int j = 1; j < width; j++)
            {
                double fire = j == 1 ? 1.0 : j == 2 ? 0.0 : 0.05 + 0.25 * ((j * 7) % 5) / 4.0 + (j % 4 == 0 ? 0.3 * y[i] : 0);
                if (rng.NextDouble() < fire)
                    dense[i * width + j] = (float)((ties ? Math.Round(rng.NextDouble() * 4) / 2 : 0.01 + rng.NextDouble() * 2) + (j % 3 == 0 ? y[i] : 0));
            }
        var matrix = LatentMatrix.FromDense(dense, n, width);
        return (matrix, dense, y);
    }

    private static double[] NaiveCvAuc(float[] dense, int[] y, int width, int[] foldOf, int folds)
    {
        var result = new double[width];
        for (int j = 0; j < width; j++)
        {
            double sum = 0;
            int used = 0;
            for (int f = 0; f < folds; f++)
            {
                var val = Enumerable.Range(0, y.Length).Where(i => foldOf[i] == f).ToArray();
                var tr = Enumerable.Range(0, y.Length).Where(i => foldOf[i] != f).ToArray();
                double m1 = tr.Where(i => y[i] == 1).Average(i => (double)dense[i * width + j]);
                double m0 = tr.Where(i => y[i] == 0).Average(i => (double)dense[i * width + j]);
                double auc = Roc.RocAuc(val.Select(i => (double)dense[i * width + j]).ToArray(), val.Select(i => y[i]).ToArray());
                sum += m1 > m0 ? auc : m1 < m0 ? 1 - auc : 0.5;
                used++;
            }
            result[j] = sum / used;
        }
        return result;
    }

    [Fact]
    public void Sparse_sweep_equals_a_dense_midrank_AUC_with_the_training_mean_difference_sign()
    {
        var (latents, dense, y) = Case(150, 40, 5);
        var foldOf = StratifiedHoldout.FoldIds(Splits.StratifiedKFold(y, 5, 1), y.Length);
        var fast = OneSparseRanking.CvAuc(latents, y, foldOf, 5);
        var naive = NaiveCvAuc(dense, y, 40, foldOf, 5);
        for (int j = 0; j < 40; j++) Assert.Equal(naive[j], fast[j], 12);
        Assert.Equal(0.5, fast[0], 12); // dead latent
        Assert.Equal(0.5, fast[2], 12);
        Assert.Equal(fast, OneSparseRanking.CvAuc(latents, y, foldOf, 5, maxDegreeOfParallelism: 1));
    }

    /// <remarks>Continuous values: where the training-fold class means are exactly equal the optimum is a = 0 (AUC ½), but a
    /// numerical solver stops at a tiny |a| of arbitrary sign, so such exact ties are kept out of the comparison.</remarks>
    [Fact]
    public void Raw_latent_CV_AUC_equals_the_CV_AUC_of_explicit_scale_and_bias_logistic_fits()
    {
        var (latents, _, y) = Case(90, 24, 9, ties: false);
        var folds = Splits.StratifiedKFold(y, 5, 3);
        var fast = OneSparseRanking.CvAuc(latents, y, StratifiedHoldout.FoldIds(folds, y.Length), 5);
        for (int j = 0; j < 24; j++)
        {
            double explicitFit = AnswerabilityProtocol.ExplicitCvAuc(latents.Gather([j]), y, folds);
            Assert.True(Math.Abs(fast[j] - explicitFit) < 1e-9, $"latent {j}: raw {fast[j]} vs explicit {explicitFit}");
        }
    }

    [PeerFact("python:sklearn")]
    public void Ranking_matches_sklearn_per_latent_logistic_regression_on_the_same_folds()
    {
        var (latents, dense, y) = Case(120, 30, 21, ties: false);
        var folds = Splits.StratifiedKFold(y, 5, 4);
        var foldOf = StratifiedHoldout.FoldIds(folds, y.Length);
        var fast = OneSparseRanking.CvAuc(latents, y, foldOf, 5);
        const string script = """
            import json, sys
            import numpy as np
            from sklearn.linear_model import LogisticRegression
            from sklearn.metrics import roc_auc_score
            d = json.load(sys.stdin)
            X = np.array(d["x"], dtype=np.float32).astype(np.float64).reshape(d["n"], d["w"]); y = np.array(d["y"]); f = np.array(d["fold"])
            out = []
            for j in range(d["w"]):
                s = []
                for k in range(5):
                    tr, va = f != k, f == k
                    m = LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(X[tr, j:j+1], y[tr])
                    s.append(roc_auc_score(y[va], m.decision_function(X[va, j:j+1])))
                out.append(float(np.mean(s)))
            print(json.dumps(out))
            """;
        var stdin = JsonSerializer.Serialize(new { x = dense, n = y.Length, w = 30, y, fold = foldOf });
        var sk = JsonSerializer.Deserialize<double[]>(Peers.RunPython(script, stdin))!;
        for (int j = 0; j < 30; j++) Assert.True(Math.Abs(sk[j] - fast[j]) < 1e-9, $"latent {j}: sklearn {sk[j].ToString(CultureInfo.InvariantCulture)} vs ours {fast[j]}");
    }
}
