using ProbeMonitor.Statistics.Drift;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics.Drift;

public sealed class MahalanobisTests
{
    /// <summary>n × d samples with a decaying spectrum, a non-zero mean and correlated columns.</summary>
    private static double[] Correlated(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var mix = new double[d * d];
        for (int i = 0; i < mix.Length; i++) mix[i] = rng.NextDouble() - 0.5;
        var x = new double[n * d];
        var z = new double[d];
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++) z[j] = Gaussian(rng) * 3.0 / (1 + j);
            for (int j = 0; j < d; j++)
            {
                double v = 10 + j;
                for (int k = 0; k < d; k++) v += mix[j * d + k] * z[k];
                x[r * d + j] = v;
            }
        }
        return x;
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    [Fact]
    public void Isotropic_hand_case()
    {
        // μ = 0, one direction e₁ with variance 4, residual variance 1 in 3-D: d²((2, 3, 0)) = 2²/4 + 3²/1 = 10.
        var model = new LowRankGaussian([0.0, 0, 0], [1.0, 0, 0], [4.0], 1.0, 0);
        Assert.Equal(10, model.DistanceSquared([2.0, 3, 0]), 14);
        Assert.Equal(10, model.DistanceSquared([2f, 3f, 0f]), 14);
        Assert.Equal(Math.Sqrt(10), Mahalanobis.Distance(model, [2.0, 3, 0]), 14);
        Assert.Contains("dimension is 3", Assert.Throws<ArgumentException>(() => model.DistanceSquared([1.0, 2])).Message);
        Assert.Contains("residual variance", Assert.Throws<ArgumentException>(() => new LowRankGaussian([0.0, 0], [1.0, 0], [1.0], 0, 0)).Message);
    }

    [Fact]
    public void Subspace_iteration_agrees_with_the_exact_solver()
    {
        int n = 400, d = 40, rank = 6;
        var x = Correlated(n, d, 5);
        var exact = LowRankGaussianFit.Fit(x, n, d, rank, new LowRankFitOptions(LowRankFitMethod.Exact));
        var iterative = LowRankGaussianFit.Fit(x, n, d, rank, new LowRankFitOptions(LowRankFitMethod.SubspaceIteration, Tolerance: 1e-11));
        for (int k = 0; k < rank; k++) Assert.Equal(exact.Eigenvalues[k], iterative.Eigenvalues[k], 1e-9 * exact.Eigenvalues[0]);
        Assert.Equal(exact.ResidualVariance, iterative.ResidualVariance, 1e-9 * exact.Eigenvalues[0]);
        for (int r = 0; r < 20; r++)
        {
            var row = x.AsSpan(r * d, d);
            Assert.Equal(exact.DistanceSquared(row), iterative.DistanceSquared(row), 1e-6 * exact.DistanceSquared(row));
        }
        // The Gram route (n < d) gives the same model as the covariance route on the same data.
        var wide = Correlated(30, 50, 6);
        var viaGram = LowRankGaussianFit.Fit(wide, 30, 50, 4, new LowRankFitOptions(LowRankFitMethod.Exact));
        var viaIteration = LowRankGaussianFit.Fit(wide, 30, 50, 4, new LowRankFitOptions(LowRankFitMethod.SubspaceIteration, Tolerance: 1e-11));
        for (int k = 0; k < 4; k++) Assert.Equal(viaGram.Eigenvalues[k], viaIteration.Eigenvalues[k], 1e-9 * viaGram.Eigenvalues[0]);
    }

    [Fact]
    public void Float_input_fits_like_double_input()
    {
        int n = 200, d = 12;
        var x = Correlated(n, d, 8);
        var xf = x.Select(v => (float)v).ToArray();
        var fromFloat = LowRankGaussianFit.Fit(xf, n, d, 3);
        var fromDouble = LowRankGaussianFit.Fit(xf.Select(v => (double)v).ToArray(), n, d, 3);
        Assert.Equal(fromDouble.Eigenvalues, fromFloat.Eigenvalues);
        Assert.Equal(fromDouble.TrainingQuantile99, fromFloat.TrainingQuantile99);
        Assert.Contains("rank", Assert.Throws<ArgumentOutOfRangeException>(() => LowRankGaussianFit.Fit(xf, n, d, 13)).Message);
    }

    [PeerFact("python:numpy")]
    public void Full_rank_equals_numpy_full_covariance_mahalanobis_and_low_rank_matches_an_eigh_reference()
    {
        int n = 300, d = 8, rank = 3;
        var x = Correlated(n, d, 11);
        var queries = Correlated(25, d, 12);
        var full = LowRankGaussianFit.Fit(x, n, d, d);
        var low = LowRankGaussianFit.Fit(x, n, d, rank);
        var result = PythonJson.Run("""
            X = np.array(data['x']).reshape(data['n'], data['d']); Q = np.array(data['q']).reshape(-1, data['d'])
            mu = X.mean(axis=0); C = np.cov(X.T)           # unbiased, like ours
            Ci = np.linalg.inv(C)
            def full(Z): U = Z - mu; return np.einsum('ij,jk,ik->i', U, Ci, U)
            w, V = np.linalg.eigh(C); w = w[::-1]; V = V[:, ::-1]
            r = data['r']; s2 = w[r:].mean()
            def low(Z):
                U = Z - mu; P = U @ V[:, :r]
                return (P**2 / w[:r]).sum(axis=1) + ((U**2).sum(axis=1) - (P**2).sum(axis=1)) / s2
            print(json.dumps({'full': full(Q).tolist(), 'low': low(Q).tolist(), 'w': w[:r].tolist(), 's2': s2,
                              'p99full': float(np.quantile(full(X), 0.99)), 'p99low': float(np.quantile(low(X), 0.99))}))
            """, new { x, q = queries, n, d, r = rank });
        var fullExpected = PythonJson.Doubles(result["full"]);
        var lowExpected = PythonJson.Doubles(result["low"]);
        for (int i = 0; i < fullExpected.Length; i++)
        {
            var q = queries.AsSpan(i * d, d);
            Assert.Equal(fullExpected[i], full.DistanceSquared(q), 1e-9 * fullExpected[i]);
            Assert.Equal(lowExpected[i], low.DistanceSquared(q), 1e-9 * lowExpected[i]);
        }
        Assert.Equal(PythonJson.Doubles(result["w"]), low.Eigenvalues, new Relative(1e-10));
        Assert.Equal(PythonJson.Double(result["s2"]), low.ResidualVariance, 1e-10 * low.ResidualVariance);
        Assert.Equal(PythonJson.Double(result["p99full"]), full.TrainingQuantile99, 1e-9 * full.TrainingQuantile99);
        Assert.Equal(PythonJson.Double(result["p99low"]), low.TrainingQuantile99, 1e-9 * low.TrainingQuantile99);
    }

    private sealed class Relative(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance * Math.Max(Math.Abs(a), Math.Abs(b));

        public int GetHashCode(double value) => 0;
    }
}
