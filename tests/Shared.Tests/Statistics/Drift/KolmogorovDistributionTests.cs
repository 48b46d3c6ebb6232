using ProbeMonitor.Statistics.Drift;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics.Drift;

public sealed class KolmogorovDistributionTests
{
    [Fact]
    public void Small_n_closed_forms_hold()
    {
        // n = 1: D₁ = max(U, 1 − U) is uniform on [½, 1], so P(D₁ ≤ d) = 2d − 1.
        Assert.Equal(2 * 0.7 - 1, KolmogorovDistribution.Cdf(1, 0.7), 12);
        // Ruben–Gambino: P(D_n ≤ d) = n!/nⁿ (2nd − 1)ⁿ on [1/(2n), 1/n]; n = 3, d = 0.3 → 6/27 · 0.8³.
        Assert.Equal(6.0 / 27 * Math.Pow(0.8, 3), KolmogorovDistribution.Cdf(3, 0.3), 14);
        // Upper end: P(D_n ≥ d) = 2(1 − d)ⁿ for d ≥ 1 − 1/n.
        Assert.Equal(2 * Math.Pow(0.1, 4), KolmogorovDistribution.Survival(4, 0.9), 15);
        Assert.Equal(1, KolmogorovDistribution.Survival(10, 0.0));
        Assert.Equal(0, KolmogorovDistribution.Survival(10, 1.0));
    }

    [Fact]
    public void Exact_methods_agree_with_each_other_where_both_apply()
    {
        // Durbin's matrix and Pomeranz's recursion are independent exact algorithms; they must agree everywhere
        // (kept to nd ≤ 25 here because the matrix grows as 2nd, which only costs time).
        foreach (int n in new[] { 2, 5, 10, 37, 100, 140 })
            for (double d = 0.6 / n; d < 0.95 && n * d <= 25; d += 0.6 / n + 0.013)
            {
                double durbin = KolmogorovExact.DurbinMatrixCdf(n, d);
                double pomeranz = KolmogorovExact.PomeranzCdf(n, d);
                Assert.True(Math.Abs(durbin - pomeranz) <= 1e-12 + 1e-10 * durbin, $"n={n} d={d}: Durbin {durbin} vs Pomeranz {pomeranz}");
            }
    }

    [Fact]
    public void Smirnov_sum_matches_direct_enumeration_for_small_n()
    {
        // The naive Birnbaum–Tingey sum in linear space with exact binomials, against our log-space compensated sum.
        foreach (int n in new[] { 2, 3, 7, 20 })
            for (double d = 0.05; d < 1; d += 0.07)
            {
                double sum = 0;
                for (int j = 0; j <= Math.Floor(n * (1 - d)); j++)
                    sum += Binomial(n, j) * Math.Pow(d + (double)j / n, j - 1) * Math.Pow(1 - d - (double)j / n, n - j);
                Assert.Equal(Math.Min(1, d * sum), KolmogorovDistribution.SmirnovSurvival(n, d), 12);
            }
    }

    [PeerFact("python:scipy")]
    public void Matches_scipy_kstwo_kolmogorov_and_smirnov_in_every_region()
    {
        var cases = new List<(int N, double D)>();
        foreach (int n in new[] { 1, 2, 3, 5, 10, 50, 140, 141, 500, 2000, 12000 })
            foreach (double z in new[] { 0.3, 0.5, 0.7, 0.85, 1.0, 1.2, 1.36, 1.6, 2.0, 2.5, 3.5, 5.0 })
            {
                double d = z / Math.Sqrt(n);
                if (d < 1) cases.Add((n, d));
            }
        foreach (int n in new[] { 4, 30, 300 }) cases.Add((n, 0.55)); // d ≥ ½ uses 2·smirnov
        var result = PythonJson.Run("""
            from scipy import stats, special
            n = data['n']; d = data['d']
            out = {'sf': [float(stats.kstwo.sf(x, k)) for k, x in zip(n, d)],
                   'cdf': [float(stats.kstwo.cdf(x, k)) for k, x in zip(n, d)],
                   'smirnov': [float(special.smirnov(k, x)) for k, x in zip(n, d)],
                   'kolmogorov': [float(special.kolmogorov(x * np.sqrt(k))) for k, x in zip(n, d)]}
            print(json.dumps(out))
            """, new { n = cases.Select(c => c.N).ToArray(), d = cases.Select(c => c.D).ToArray() });
        var sf = PythonJson.Doubles(result["sf"]);
        var cdf = PythonJson.Doubles(result["cdf"]);
        var smirnov = PythonJson.Doubles(result["smirnov"]);
        var kolmogorov = PythonJson.Doubles(result["kolmogorov"]);
        for (int i = 0; i < cases.Count; i++)
        {
            var (n, d) = cases[i];
            AssertClose(sf[i], KolmogorovDistribution.Survival(n, d), $"kstwo.sf n={n} d={d}");
            AssertClose(cdf[i], KolmogorovDistribution.Cdf(n, d), $"kstwo.cdf n={n} d={d}");
            AssertClose(smirnov[i], KolmogorovDistribution.SmirnovSurvival(n, d), $"smirnov n={n} d={d}");
            AssertClose(kolmogorov[i], KolmogorovDistribution.LimitingSurvival(d * Math.Sqrt(n)), $"kolmogorov z={d * Math.Sqrt(n)}");
        }
    }

    private static void AssertClose(double expected, double actual, string what)
    {
        // p-values: relative 1e-9 where they are large, absolute 1e-15 in the far tail.
        double tolerance = 1e-15 + 1e-9 * Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: scipy {expected:R}, ours {actual:R}, diff {actual - expected:E3}");
    }

    private static double Binomial(int n, int k)
    {
        double c = 1;
        for (int i = 1; i <= k; i++) c = c * (n - k + i) / i;
        return c;
    }
}
