using ProbeMonitor.Statistics.Drift;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics.Drift;

public sealed class KolmogorovSmirnovTests
{
    /// <summary>Naive D: evaluate both ECDFs by counting at every observed point.</summary>
    private static double NaiveTwoSampleD(double[] a, double[] b)
    {
        double d = 0;
        foreach (var x in a.Concat(b))
            d = Math.Max(d, Math.Abs(a.Count(v => v <= x) / (double)a.Length - b.Count(v => v <= x) / (double)b.Length));
        return d;
    }

    [Fact]
    public void Two_sample_statistic_by_hand_and_naively()
    {
        // {1,2,3} vs {2,3,4}: at x = 1 the gap is 1/3 and never larger.
        Assert.Equal(1.0 / 3, KolmogorovSmirnov.TwoSampleStatistic([1.0, 2, 3], [2.0, 3, 4]), 15);
        Assert.Equal(1, KolmogorovSmirnov.TwoSampleStatistic([1.0, 2], [3.0, 4]));
        Assert.Equal(0, KolmogorovSmirnov.TwoSampleStatistic([1.0, 2, 2], [2.0, 1, 2]));
        var rng = new Random(3);
        for (int t = 0; t < 30; t++)
        {
            var a = Enumerable.Range(0, rng.Next(1, 60)).Select(_ => (double)rng.Next(10)).ToArray();
            var b = Enumerable.Range(0, rng.Next(1, 60)).Select(_ => (double)rng.Next(12)).ToArray();
            Assert.Equal(NaiveTwoSampleD(a, b), KolmogorovSmirnov.TwoSampleStatistic(a, b), 15);
        }
    }

    [Fact]
    public void Histogram_statistics_by_hand()
    {
        // Reference uniform on [0, 2] (one bin each of [0,1), [1,2)); a sample {0.5} has ECDF 0 then 1 at 0.5,
        // against the CDF x/2: the gap is 1 − 0.25 = 0.75 just after 0.5.
        var edges = new BinEdges([0.0, 1, 2]);
        var reference = new HistogramCounts(edges, [0L, 50, 50, 0]);
        Assert.Equal(0.75, KolmogorovSmirnov.AgainstHistogram(reference, [0.5]).Statistic, 15);
        // Between histograms the gap is linear in each bin: (0, 50, 50, 0) vs (0, 80, 20, 0) differ most at the edge 1: 0.8 − 0.5.
        var current = new HistogramCounts(edges, [0L, 80, 20, 0]);
        Assert.Equal(0.3, KolmogorovSmirnov.BetweenHistograms(reference, current).Statistic, 15);
        // Underflow mass sits at the first edge: 30% below 0 is a 0.3 gap right at 0.
        var shifted = new HistogramCounts(edges, [30L, 35, 35, 0]);
        Assert.Equal(0.3, KolmogorovSmirnov.BetweenHistograms(reference, shifted).Statistic, 15);
    }

    [PeerFact("python:scipy")]
    public void Matches_scipy_ks_2samp_asymp_and_kstest_exact()
    {
        var rng = new Random(17);
        var pairs = new List<(double[] A, double[] B)>();
        foreach (var (n1, n2, shift, round) in new[] { (8, 11, 0.0, false), (40, 25, 0.5, false), (200, 300, 0.1, true), (1000, 700, 0.05, false), (3000, 5000, 0.0, true) })
        {
            double[] Draw(int n, double mu) => Enumerable.Range(0, n)
                .Select(_ => mu + Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))
                .Select(v => round ? Math.Round(v, 1) : v).ToArray();
            pairs.Add((Draw(n1, 0), Draw(n2, shift)));
        }
        var oneSample = Enumerable.Range(0, 80).Select(_ => rng.NextDouble() * 1.1).ToArray();
        var result = PythonJson.Run("""
            from scipy import stats
            out = [stats.ks_2samp(c['a'], c['b'], method='asymp') for c in data['pairs']]
            one = stats.kstest(data['one'], lambda x: np.clip(x, 0, 1), method='exact')
            print(json.dumps({'d': [float(r.statistic) for r in out], 'p': [float(r.pvalue) for r in out],
                              'd1': float(one.statistic), 'p1': float(one.pvalue)}))
            """, new { pairs = pairs.Select(p => new { a = p.A, b = p.B }).ToArray(), one = oneSample });
        var d = PythonJson.Doubles(result["d"]);
        var p = PythonJson.Doubles(result["p"]);
        for (int i = 0; i < pairs.Count; i++)
        {
            var ours = KolmogorovSmirnov.TwoSample(pairs[i].A, pairs[i].B);
            Assert.Equal(d[i], ours.Statistic); // same arithmetic, bit for bit
            Assert.True(Math.Abs(p[i] - ours.PValue) <= 1e-14 + 1e-9 * p[i], $"pair {i}: scipy p {p[i]:R}, ours {ours.PValue:R}");
        }
        var exact = KolmogorovSmirnov.OneSample(oneSample, x => Math.Clamp(x, 0, 1));
        Assert.Equal(PythonJson.Double(result["d1"]), exact.Statistic, 1e-15);
        Assert.Equal(PythonJson.Double(result["p1"]), exact.PValue, 1e-12);
    }

    [PeerFact("python:scipy")]
    public void Sample_against_histogram_matches_scipy_kstest_with_the_histogram_cdf()
    {
        var rng = new Random(21);
        var referenceSample = Enumerable.Range(0, 5000).Select(_ => rng.NextDouble() * rng.NextDouble() * 4).ToArray();
        var edges = BinEdges.FromQuantiles(referenceSample.Take(4000).ToArray(), 12);
        var reference = HistogramCounts.Of(edges, referenceSample); // the last 1000 also fill the under/overflow bins
        var sample = Enumerable.Range(0, 300).Select(_ => rng.NextDouble() * 4.2 - 0.1).ToArray();
        var result = PythonJson.Run("""
            from scipy import stats
            e = np.array(data['edges']); c = np.array(data['counts'], dtype=float); n = c.sum()
            below = np.cumsum(c)[:-1] / n     # CDF value at each edge, right side (underflow included at e0)
            def cdf(x):
                x = np.asarray(x)
                inside = np.interp(x, e, below)
                return np.where(x < e[0], 0.0, np.where(x >= e[-1], 1.0, inside))
            r = stats.kstest(data['x'], cdf, method='exact')
            en = n * len(data['x']) / (n + len(data['x']))
            print(json.dumps({'d': float(r.statistic), 'p': float(stats.kstwo.sf(r.statistic, np.round(en)))}))
            """, new { edges = edges.Edges.ToArray(), counts = reference.Counts.ToArray(), x = sample });
        var ours = KolmogorovSmirnov.AgainstHistogram(reference, sample);
        Assert.Equal(PythonJson.Double(result["d"]), ours.Statistic, 1e-14);
        Assert.Equal(PythonJson.Double(result["p"]), ours.PValue, 1e-10);
    }
}
