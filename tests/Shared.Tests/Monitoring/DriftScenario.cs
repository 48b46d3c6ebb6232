using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Shared.Tests.Monitoring;

/// <summary>One simulated request as a probe tracker sees it.</summary>
internal sealed record SimulatedRequest(double Probability, bool Decision, double MahalanobisSquared, float[] Latents);

/// <summary>
/// A seeded traffic model for the drift tests: probability = sigmoid(N(μ, 1.5)), flagged at ≥ 0.5; d² = s²·χ²₈; SAE latent j
/// fires with probability πⱼ. The reference is a large in-distribution sample summarised the way a bundle stores it.
/// </summary>
internal sealed class DriftScenario(double logitMean, double distanceScale, double[] firingProbabilities)
{
    public const int Bins = 20;
    public const int Dof = 8;

    public static DriftScenario InDistribution() => new(-1.0, 1.0, [0.05, 0.2, 0.5, 0.8]);

    public static DriftScenario Shifted() => new(0.5, 1.6, [0.15, 0.1, 0.7, 0.6]);

    public static double[] Edges { get; } = Enumerable.Range(0, Bins + 1).Select(i => i / (double)Bins).ToArray();

    public SimulatedRequest Next(Random rng)
    {
        double z = logitMean + 1.5 * Gaussian(rng);
        double p = 1 / (1 + Math.Exp(-z));
        double chi = 0;
        for (int i = 0; i < Dof; i++)
        {
            double g = Gaussian(rng);
            chi += g * g;
        }
        var latents = new float[firingProbabilities.Length];
        for (int j = 0; j < latents.Length; j++)
            latents[j] = rng.NextDouble() < firingProbabilities[j] ? (float)(0.1 + rng.NextDouble()) : 0f;
        return new SimulatedRequest(p, p >= 0.5, distanceScale * distanceScale * chi, latents);
    }

    public SimulatedRequest[] Sample(Random rng, int n) => Enumerable.Range(0, n).Select(_ => Next(rng)).ToArray();

    /// <summary>The reference statistics of <paramref name="sample"/>, as a bundle exporter would write them.</summary>
    public static ReferenceStatistics Reference(SimulatedRequest[] sample, bool withCovariance = true, bool withLatents = true)
    {
        var counts = NumpyHistogram(sample.Select(r => r.Probability), Edges);
        var sortedD2 = sample.Select(r => r.MahalanobisSquared).Order().ToArray();
        double p99 = LinearQuantile(sortedD2, 0.99);
        int k = sample[0].Latents.Length;
        var rates = Enumerable.Range(0, k).Select(j => sample.Count(r => r.Latents[j] > 0) / (double)sample.Length).ToArray();
        var covariance = withCovariance ? new LowRankCovarianceStatistics(new float[4], 1, 4, [1.0], 1.0, p99) : null;
        return new ReferenceStatistics(
            new ScoreHistogram(Edges, counts),
            sample.Count(r => r.Decision) / (double)sample.Length,
            new float[4], covariance, withLatents ? rates : null, sample.Length);
    }

    /// <summary>numpy.histogram's rule: bins [eᵢ, eᵢ₊₁), the last one closed; values outside are dropped.</summary>
    public static long[] NumpyHistogram(IEnumerable<double> values, double[] edges)
    {
        var counts = new long[edges.Length - 1];
        foreach (var v in values)
        {
            if (v == edges[^1]) { counts[^1]++; continue; }
            for (int i = 0; i < counts.Length; i++)
                if (v >= edges[i] && v < edges[i + 1]) { counts[i]++; break; }
        }
        return counts;
    }

    public static double LinearQuantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
