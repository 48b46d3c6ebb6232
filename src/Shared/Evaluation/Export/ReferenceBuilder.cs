using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Statistics.Drift;

namespace ProbeMonitor.Evaluation.Export;

/// <summary>Builds a bundle's drift reference from held-out examples: score histogram, positive rate, activation mean and low-rank covariance, latent firing rates.</summary>
public static class ReferenceBuilder
{
    /// <summary>Histogram bins on [0, 1].</summary>
    public const int HistogramBins = 20;

    /// <summary>The manifest section and the tensors it names.</summary>
    /// <param name="activations">Reference activations [n, d] (the held-out rows).</param>
    /// <param name="n">Rows.</param>
    /// <param name="d">Width.</param>
    /// <param name="probabilities">Calibrated probabilities of those rows.</param>
    /// <param name="threshold">The decision threshold (flagged: p ≥ threshold).</param>
    /// <param name="rank">Requested covariance rank, capped at min(d, n − 1).</param>
    /// <param name="probe">The probe, for SAE latent firing rates.</param>
    public static (ManifestReference Section, ReferenceTensors Tensors, LowRankGaussian Gaussian) Build(float[] activations, int n, int d, double[] probabilities,
        double threshold, int rank, IProbe probe)
    {
        if (n < 2) throw new ArgumentException($"the reference needs at least two examples, got {n}.", nameof(n));
        var edges = Enumerable.Range(0, HistogramBins + 1).Select(i => i / (double)HistogramBins).ToArray();
        var counts = new long[HistogramBins];
        foreach (double p in probabilities) counts[Math.Clamp((int)(p * HistogramBins), 0, HistogramBins - 1)]++;
        double positiveRate = probabilities.Count(p => p >= threshold) / (double)probabilities.Length;

        int r = Math.Max(1, Math.Min(rank, Math.Min(d, n - 1)));
        var gaussian = LowRankGaussianFit.Fit(activations, n, d, r);
        var mean = gaussian.Mean.Select(v => (float)v).ToArray();
        var components = gaussian.Components.Select(v => (float)v).ToArray();
        var covariance = new LowRankCovariance(BundleTensorNames.CovarianceComponents, gaussian.Eigenvalues, gaussian.ResidualVariance, gaussian.TrainingQuantile99);

        double[]? firing = null;
        if (probe is SaeProbe sae)
        {
            var latents = new float[checked(n * sae.LatentCount)];
            sae.Encode(activations, n, latents);
            firing = new double[sae.LatentCount];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < sae.LatentCount; j++)
                    if (latents[i * sae.LatentCount + j] > 0) firing[j]++;
            for (int j = 0; j < firing.Length; j++) firing[j] /= n;
        }
        var section = new ManifestReference(new ScoreHistogram(edges, counts), positiveRate, BundleTensorNames.ActivationMean, n, covariance, firing);
        return (section, new ReferenceTensors(mean, components), gaussian);
    }
}
