using System.Text.Json;
using ProbeMonitor.Estimators;
using ProbeMonitor.Statistics;
using ProbeMonitor.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace ProbeMonitor.Shared.Tests.Estimators;

/// <summary>
/// The MLP and the boosted trees on a task no linear probe can solve (two noisy concentric rings plus noise features):
/// sanity checks against scikit-learn's MLPClassifier and HistGradientBoostingClassifier, not parity. Both must reach a
/// test AUC within 0.03 of sklearn's and above 0.9, where logistic regression stays near chance.
/// </summary>
public sealed class NonlinearEstimatorTests(ITestOutputHelper output)
{
    private const int D = 5;
    private const double Margin = 0.03;

    private static readonly Lazy<(float[] X, int[] Y, float[] Xt, int[] Yt, double Mlp, double Gbdt)?> Reference = new(() =>
    {
        if (PeerRequirements.Missing(["python:sklearn"]) is not null) return null;
        var (x, y) = EstimatorTestData.Rings(seed: 1, n: 1200, noiseFeatures: D - 2);
        var (xt, yt) = EstimatorTestData.Rings(seed: 2, n: 600, noiseFeatures: D - 2);
        var dir = RepoPaths.NewTempDir("pm-nonlinear");
        try
        {
            const string script = """
                import json, sys
                import numpy as np
                from sklearn.neural_network import MLPClassifier
                from sklearn.ensemble import HistGradientBoostingClassifier
                from sklearn.preprocessing import StandardScaler
                from sklearn.metrics import roc_auc_score
                d = json.load(sys.stdin)
                X = np.load(d["x"]).astype(np.float64); y = np.load(d["y"]); Xt = np.load(d["xt"]).astype(np.float64); yt = np.load(d["yt"])
                s = StandardScaler().fit(X)
                mlp = MLPClassifier(hidden_layer_sizes=(100,), early_stopping=True, random_state=0, max_iter=200).fit(s.transform(X), y)
                gb = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_depth=3, min_samples_leaf=20, early_stopping=False, random_state=0).fit(X, y)
                print(json.dumps({"mlp": roc_auc_score(yt, mlp.predict_proba(s.transform(Xt))[:, 1]), "gbdt": roc_auc_score(yt, gb.predict_proba(Xt)[:, 1])}))
                """;
            var stdin = JsonSerializer.Serialize(new
            {
                x = EstimatorTestData.WriteNpy(dir, "x", x, y.Length, D), y = EstimatorTestData.WriteNpy(dir, "y", y),
                xt = EstimatorTestData.WriteNpy(dir, "xt", xt, yt.Length, D), yt = EstimatorTestData.WriteNpy(dir, "yt", yt),
            });
            using var peer = JsonDocument.Parse(Peers.RunPython(script, stdin));
            return (x, y, xt, yt, peer.RootElement.GetProperty("mlp").GetDouble(), peer.RootElement.GetProperty("gbdt").GetDouble());
        }
        finally { Directory.Delete(dir, recursive: true); }
    });

    [PeerFact("python:sklearn")]
    public void Linear_probe_cannot_solve_the_rings()
    {
        var (x, y, xt, yt, _, _) = Reference.Value!.Value;
        var auc = Roc.RocAuc(LogisticRegression.Fit(x, y, D).PredictLogits(xt), yt);
        Assert.InRange(auc, 0.35, 0.65);
    }

    [PeerFact("python:sklearn")]
    public void Mlp_reaches_sklearns_auc_on_the_rings()
    {
        var (x, y, xt, yt, sk, _) = Reference.Value!.Value;
        var model = MlpClassifier.Fit(x, y, D, new MlpOptions(Seed: 0));
        double auc = Roc.RocAuc(model.PredictLogits(xt), yt);
        output.WriteLine($"MLP test AUC {auc:0.0000} (epochs {model.Epochs}, best {model.BestEpoch}); sklearn MLPClassifier {sk:0.0000}");
        Assert.True(auc >= sk - Margin && auc > 0.9, $"MLP AUC {auc:0.0000} vs sklearn {sk:0.0000}");
        Assert.Equal(model.PredictLogits(xt), MlpClassifier.Fit(x, y, D, new MlpOptions(Seed: 0)).PredictLogits(xt));
    }

    [PeerFact("python:sklearn")]
    public void Boosted_trees_reach_sklearns_auc_on_the_rings()
    {
        var (x, y, xt, yt, _, sk) = Reference.Value!.Value;
        var model = GradientBoostedTrees.Fit(x, y, D);
        double auc = Roc.RocAuc(model.PredictLogits(xt), yt);
        output.WriteLine($"GBDT test AUC {auc:0.0000} ({model.Trees.Count} trees); sklearn HistGradientBoostingClassifier {sk:0.0000}");
        Assert.True(auc >= sk - Margin && auc > 0.9, $"GBDT AUC {auc:0.0000} vs sklearn {sk:0.0000}");
        Assert.All(model.Trees, t => Assert.InRange(t.Leaves, 1, 8));
        var oneThread = GradientBoostedTrees.Fit(x, y, D, new GradientBoostingOptions(MaxDegreeOfParallelism: 1));
        Assert.Equal(model.PredictLogits(xt), oneThread.PredictLogits(xt));
    }

    [Fact]
    public void Mlp_gradients_match_central_differences()
    {
        var (x, y) = EstimatorTestData.Rings(seed: 4, n: 12, noiseFeatures: 1);
        var model = MlpClassifier.Fit(x, y, 3, new MlpOptions(HiddenUnits: 4, MaxEpochs: 3, EarlyStopping: false, Standardize: false, BatchSize: 12));
        const double l2 = 0.3;
        var (_, gw1, gb1, gw2, gb2) = MlpClassifier.LossAndGradient(model, x, y, l2);
        double Loss(MlpModel m) => MlpClassifier.LossAndGradient(m, x, y, l2).Loss;
        void Check(float[] parameters, float[] analytic)
        {
            for (int k = 0; k < parameters.Length; k++)
            {
                float saved = parameters[k];
                const float h = 1e-3f;
                parameters[k] = saved + h; double plus = Loss(model);
                parameters[k] = saved - h; double minus = Loss(model);
                parameters[k] = saved;
                Assert.True(Math.Abs((plus - minus) / (2 * h) - analytic[k]) < 1e-3, $"parameter {k} of {parameters.Length}: numeric {(plus - minus) / (2 * h)}, analytic {analytic[k]}");
            }
        }
        Check(model.W1, gw1);
        Check(model.B1, gb1);
        Check(model.W2, gw2);
        double bPlus = Loss(model with { B2 = model.B2 + 1e-2f }), bMinus = Loss(model with { B2 = model.B2 - 1e-2f });
        Assert.Equal((bPlus - bMinus) / 2e-2, gb2, 2e-3);
    }

    [Fact]
    public void Binning_agrees_with_raw_thresholds()
    {
        var (x, _) = EstimatorTestData.Logistic(seed: 9, n: 700, d: 3);
        for (int i = 0; i < 60; i++) x[i * 3 + 2] = 1.5f; // a heavily repeated value
        var binning = FeatureBinning.Fit(x, 700, 3, 32);
        for (int f = 0; f < 3; f++)
        {
            var t = binning.Thresholds[f];
            Assert.True(t.Length <= 31);
            Assert.Equal(t.Order(), t);
            for (int i = 0; i < 700; i++)
            {
                float v = x[i * 3 + f];
                int bin = binning.Bin(f, v);
                for (int b = 0; b < t.Length; b++) Assert.Equal(bin <= b, v <= t[b]);
            }
        }
    }

    [Fact]
    public void Nonlinear_estimators_reject_single_class_data()
    {
        float[] x = [1, 2, 3, 4];
        Assert.Throws<SingleClassException>(() => MlpClassifier.Fit(x, [0, 0], 2));
        Assert.Throws<SingleClassException>(() => GradientBoostedTrees.Fit(x, [1, 1], 2));
        Assert.Throws<SingleClassException>(() => KNeighborsModel.Fit(x, [1, 1], 2));
    }
}
