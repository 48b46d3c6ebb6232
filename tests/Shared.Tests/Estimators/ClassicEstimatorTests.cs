using System.Text.Json;
using ProbeMonitor.Estimators;
using ProbeMonitor.Statistics;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Estimators;

/// <summary>PCA and k-NN against scikit-learn on the same data: these should agree exactly (up to sign and rounding).</summary>
public sealed class ClassicEstimatorTests
{
    private static (float[] X, int Rows) Spectrum(int seed, int n, int d)
    {
        // Gaussian columns scaled by a decaying spectrum and mixed by a random rotation-like matrix, plus an offset.
        var rng = new Random(seed);
        var z = new double[n * d];
        for (int i = 0; i < z.Length; i++) z[i] = EstimatorTestData.Gaussian(rng) * Math.Pow(0.85, i % d);
        var mix = new double[d * d];
        for (int i = 0; i < mix.Length; i++) mix[i] = EstimatorTestData.Gaussian(rng) / Math.Sqrt(d);
        var x = new float[n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
            {
                double s = 3.0 + j % 4;
                for (int k = 0; k < d; k++) s += z[i * d + k] * mix[k * d + j];
                x[i * d + j] = (float)s;
            }
        return (x, n);
    }

    [PeerTheory("python:sklearn")]
    [InlineData(40, 256)]   // exact Jacobi path
    [InlineData(120, 0)]    // subspace iteration forced
    public void Pca_matches_sklearn_explained_variance_and_projection(int d, int exactLimit)
    {
        const int n = 400, k = 8;
        var (x, _) = Spectrum(5, n, d);
        var dir = RepoPaths.NewTempDir("pm-pca");
        try
        {
            const string script = """
                import json, sys
                import numpy as np
                from sklearn.decomposition import PCA
                d = json.load(sys.stdin)
                X = np.load(d["x"]).astype(np.float64)
                p = PCA(n_components=d["k"], svd_solver="full").fit(X)
                print(json.dumps({"ratio": p.explained_variance_ratio_.tolist(), "var": p.explained_variance_.tolist(),
                                  "comp": p.components_.ravel().tolist(), "t": p.transform(X[:5]).ravel().tolist()}))
                """;
            using var peer = JsonDocument.Parse(Peers.RunPython(script, JsonSerializer.Serialize(new { x = EstimatorTestData.WriteNpy(dir, "x", x, n, d), k })));
            var model = Pca.Fit(x, d, new PcaOptions(k, ExactLimit: exactLimit));
            var ratio = EstimatorTestData.Doubles(peer.RootElement.GetProperty("ratio"));
            var variance = EstimatorTestData.Doubles(peer.RootElement.GetProperty("var"));
            var comp = EstimatorTestData.Doubles(peer.RootElement.GetProperty("comp"));
            var t = EstimatorTestData.Doubles(peer.RootElement.GetProperty("t"));
            var ours = model.Transform(x.AsSpan(0, 5 * d));
            for (int c = 0; c < k; c++)
            {
                Assert.Equal(ratio[c], model.ExplainedVarianceRatio[c], ratio[c] * 1e-6);
                Assert.Equal(variance[c], model.ExplainedVariance[c], variance[c] * 1e-6);
                double dot = 0;
                for (int j = 0; j < d; j++) dot += comp[c * d + j] * model.Components[c * d + j];
                Assert.Equal(1.0, Math.Abs(dot), 1e-6);
                for (int i = 0; i < 5; i++) Assert.Equal(t[i * k + c] * Math.Sign(dot), ours[i * k + c], 1e-3);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Pca_rejects_too_many_components()
    {
        var (x, _) = Spectrum(1, 5, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pca.Fit(x, 3, new PcaOptions(4)));
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => Pca.Fit([1, float.NaN, 2, 3], 2, new PcaOptions(1))).Message);
    }

    [PeerTheory("python:sklearn")]
    [InlineData(NeighborDistance.Euclidean, "euclidean")]
    [InlineData(NeighborDistance.Cosine, "cosine")]
    public void Knn_predictions_equal_sklearns(NeighborDistance distance, string metric)
    {
        const int d = 3;
        var (x, y) = EstimatorTestData.Logistic(seed: 21, n: 80, d: d, signal: 3);
        var (q, _) = EstimatorTestData.Logistic(seed: 22, n: 40, d: d, signal: 3);
        var dir = RepoPaths.NewTempDir("pm-knn");
        try
        {
            const string script = """
                import json, sys
                import numpy as np
                from sklearn.neighbors import KNeighborsClassifier
                d = json.load(sys.stdin)
                X = np.load(d["x"]).astype(np.float64); y = np.load(d["y"]); Q = np.load(d["q"]).astype(np.float64)
                m = KNeighborsClassifier(n_neighbors=5, metric=d["metric"], algorithm="brute").fit(X, y)
                print(json.dumps({"p": m.predict_proba(Q)[:, 1].tolist(), "y": m.predict(Q).tolist()}))
                """;
            var stdin = JsonSerializer.Serialize(new
            {
                x = EstimatorTestData.WriteNpy(dir, "x", x, 80, d), y = EstimatorTestData.WriteNpy(dir, "y", y),
                q = EstimatorTestData.WriteNpy(dir, "q", q, 40, d), metric,
            });
            using var peer = JsonDocument.Parse(Peers.RunPython(script, stdin));
            var model = KNeighborsModel.Fit(x, y, d, new KNeighborsOptions(5, distance));
            Assert.Equal(EstimatorTestData.Doubles(peer.RootElement.GetProperty("p")), model.PredictProba(q));
            Assert.Equal(peer.RootElement.GetProperty("y").EnumerateArray().Select(e => e.GetInt32()), model.Predict(q));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Knn_orders_neighbours_by_distance_then_index()
    {
        float[] x = [0, 0, 1, 0, -1, 0, 5, 5];
        var model = KNeighborsModel.Fit(x, [0, 1, 1, 0], 2, new KNeighborsOptions(3));
        Assert.Equal([0, 1, 2], model.Neighbors([0, 0]));
        Assert.Equal([2.0 / 3], model.PredictProba([0, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => KNeighborsModel.Fit(x, [0, 1, 1, 0], 2, new KNeighborsOptions(5)));
    }
}
