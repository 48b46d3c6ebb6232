using ProbeMonitor.Statistics.Drift;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics.Drift;

public sealed class WassersteinTests
{
    [Fact]
    public void Sample_distances_by_hand()
    {
        // A shift moves every unit of mass by the shift.
        Assert.Equal(3, Wasserstein.Distance([0.0, 1, 2], [3.0, 4, 5]), 15);
        // scipy's docstring: wasserstein_distance([0, 1, 3], [5, 6, 8]) = 5.0 and ([0, 1], [0, 1]) = 0.
        Assert.Equal(5, Wasserstein.Distance([0.0, 1, 3], [5.0, 6, 8]), 15);
        Assert.Equal(0, Wasserstein.Distance([0.0, 1], [1.0, 0]));
        // {0} vs {0, 1}: half the mass moves by 1.
        Assert.Equal(0.5, Wasserstein.Distance([0.0], [0.0, 1]), 15);
    }

    [Fact]
    public void Histogram_distances_by_hand()
    {
        // Reference uniform on [0, 1]; a point at ½: E|U − ½| = ¼.
        var unit = new BinEdges([0.0, 1]);
        var uniform = new HistogramCounts(unit, [0L, 10, 0]);
        Assert.Equal(0.25, Wasserstein.Distance(uniform, [0.5]), 15);
        // A point at 3 lies beyond the last edge: E|U − 3| = 2.5.
        Assert.Equal(2.5, Wasserstein.Distance(uniform, [3.0]), 15);
        // Uniform on [0, 1] vs uniform on [1, 2] (two bins over [0, 2]): a shift by 1.
        var two = new BinEdges([0.0, 1, 2]);
        Assert.Equal(1, Wasserstein.Distance(new HistogramCounts(two, [0L, 5, 0, 0]), new HistogramCounts(two, [0L, 0, 7, 0])), 15);
        // All mass in the underflow (at 0) vs all in the overflow (at 2): distance 2.
        Assert.Equal(2, Wasserstein.Distance(new HistogramCounts(two, [3L, 0, 0, 0]), new HistogramCounts(two, [0L, 0, 0, 4])), 15);
        // Normalised: uniform on [0, 1] has σ = 1/√12.
        Assert.Equal(Math.Sqrt(1.0 / 12), uniform.StandardDeviation(), 15);
        Assert.Equal(0.25 * Math.Sqrt(12), Wasserstein.Normalized(0.25, uniform.StandardDeviation()), 14);
    }

    [PeerFact("python:scipy")]
    public void Matches_scipy_wasserstein_distance_on_samples()
    {
        var rng = new Random(8);
        var cases = new List<(double[] A, double[] B)>();
        foreach (var (n1, n2, round) in new[] { (1, 5, false), (30, 45, true), (500, 800, false), (2000, 1500, true) })
        {
            double[] Draw(int n, double scale) => Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble() * scale - 0.3, round ? 1 : 15)).ToArray();
            cases.Add((Draw(n1, 1), Draw(n2, 1.4)));
        }
        var result = PythonJson.Run("""
            from scipy import stats
            print(json.dumps([stats.wasserstein_distance(c['a'], c['b']) for c in data]))
            """, cases.Select(c => new { a = c.A, b = c.B }).ToArray());
        var expected = PythonJson.Doubles(result);
        for (int i = 0; i < cases.Count; i++)
        {
            Assert.Equal(expected[i], Wasserstein.Distance(cases[i].A, cases[i].B), 1e-12);
            var sd = Math.Sqrt(cases[i].A.Select(v => v * v).Average() - Math.Pow(cases[i].A.Average(), 2));
            if (sd > 0) Assert.Equal(expected[i] / sd, Wasserstein.NormalizedDistance(cases[i].A, cases[i].B), 1e-9);
        }
    }

    [PeerFact("python:scipy")]
    public void Histogram_distances_match_numerical_integration_of_the_cdf_gap()
    {
        var rng = new Random(9);
        var referenceSample = Enumerable.Range(0, 3000).Select(_ => Math.Pow(rng.NextDouble(), 2) * 5).ToArray();
        var edges = BinEdges.FromQuantiles(referenceSample[..2500], 15);
        var reference = HistogramCounts.Of(edges, referenceSample);
        var sample = Enumerable.Range(0, 200).Select(_ => rng.NextDouble() * 5.6 - 0.3).ToArray();
        var current = HistogramCounts.Of(edges, sample);
        // scipy.integrate.quad over each smooth piece between breakpoints, of |ECDF − model CDF| and |model − model|.
        var result = PythonJson.Run("""
            from scipy import integrate
            e = np.array(data['edges'])
            def model(counts):
                c = np.array(counts, dtype=float); below = np.cumsum(c)[:-1] / c.sum()
                return lambda x: 0.0 if x < e[0] else (1.0 if x >= e[-1] else float(np.interp(x, e, below)))
            ref = model(data['ref']); cur = model(data['cur'])
            xs = np.sort(np.array(data['x']))
            ecdf = lambda x: np.searchsorted(xs, x, side='right') / len(xs)
            def integral(f, g, points):
                pts = np.unique(np.concatenate([points, e]))
                total = 0.0
                for a, b in zip(pts[:-1], pts[1:]):
                    m = (a + b) / 2
                    # both functions are smooth inside (a, b); evaluate the constant ECDF at the midpoint
                    total += integrate.quad(lambda t: abs(f(t if f is not ecdf else m) - g(t)), a, b, epsabs=1e-14, epsrel=1e-12)[0]
                return total
            print(json.dumps({'sample': integral(ecdf, ref, xs), 'hist': integral(cur, ref, np.array([]))}))
            """, new { edges = edges.Edges.ToArray(), @ref = reference.Counts.ToArray(), cur = current.Counts.ToArray(), x = sample });
        Assert.Equal(PythonJson.Double(result["sample"]), Wasserstein.Distance(reference, sample), 1e-9);
        Assert.Equal(PythonJson.Double(result["hist"]), Wasserstein.Distance(reference, current), 1e-9);
    }
}
