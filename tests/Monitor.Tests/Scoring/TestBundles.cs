using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Probes.Calibration;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Monitor.Tests.Scoring;

/// <summary>Tiny dense and SAE bundles (d_model 8) written with ProbeBundleWriter into a temporary directory.</summary>
/// <remarks>
/// The reference covariance has the first r standard basis vectors as components, so Σ is diagonal
/// (λ on the first r axes, the residual variance on the others) and d² has a one-line independent form.
/// </remarks>
internal sealed class TestBundles : IDisposable
{
    public const int D = 8;
    public const double PlattA = 1.3, PlattB = -0.4, Temperature = 1.7;
    public static readonly double[] Eigenvalues = [2.0, 0.5];
    public const double Residual = 0.25;
    public const double P99 = 20.0;

    public string Root { get; } = RepoPaths.NewTempDir("pm-scoring");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    public string Path(string name) => System.IO.Path.Combine(Root, name);

    public static float[] ReferenceMean { get; } = [0.1f, -0.2f, 0.3f, 0f, 0.5f, -0.5f, 0.25f, 1f];

    public DenseProbe WriteDense(string probeId, string task = ProbeManifest.ToxicityTask, int seed = 1, string? directory = null,
        int layer = 20, double threshold = 0.5, bool covariance = true, double[]? eigenvalues = null)
    {
        var rng = new Random(seed);
        var probe = new DenseProbe(probeId, D, new DenseProbeWeights(Gaussian(rng, D), (float)(rng.NextDouble() - 0.5)));
        var manifest = Manifest(probeId, task, ProbeKind.Dense, layer, threshold, covariance, eigenvalues) with
        {
            Calibration = new ManifestCalibration(CalibrationMethod.Platt, new CalibrationParameters(A: PlattA, B: PlattB)),
        };
        ProbeBundleWriter.Write(Path(directory ?? probeId), manifest, probe, Reference(covariance), overwrite: true);
        return probe;
    }

    public SaeProbe WriteSae(string probeId, string task = ProbeManifest.ToxicityTask, int seed = 2, string? directory = null, double threshold = 0.5)
    {
        var rng = new Random(seed);
        int[] ids = [11, 3, 42];
        var probe = new SaeProbe(probeId, D, new SaeProbeWeights(
            ids, Gaussian(rng, ids.Length * D), [0.2f, -0.1f, 0.05f], [0.1f, 0.3f, 0.2f], Gaussian(rng, D, 0.1), true,
            SaeActivation.JumpRelu, [1.5f, -2f, 0.75f], -0.25f, LatentMean: [0.1f, 0.2f, 0.3f], LatentScale: [0.5f, 2f, 1f]));
        var manifest = Manifest(probeId, task, ProbeKind.Sae, 20, threshold, covariance: true) with
        {
            Sae = new ManifestSae("test-sae", 64, SaeActivation.JumpRelu, true),
            LatentIds = ids,
            Calibration = new ManifestCalibration(CalibrationMethod.Temperature, new CalibrationParameters(Temperature: Temperature)),
        };
        manifest = manifest with { Reference = manifest.Reference with { LatentFiringRates = [0.3, 0.5, 0.2] } };
        ProbeBundleWriter.Write(Path(directory ?? probeId), manifest, probe, Reference(true), overwrite: true);
        return probe;
    }

    private static ReferenceTensors Reference(bool covariance)
    {
        if (!covariance) return new ReferenceTensors(ReferenceMean);
        var components = new float[Eigenvalues.Length * D];
        for (int i = 0; i < Eigenvalues.Length; i++) components[i * D + i] = 1f;
        return new ReferenceTensors(ReferenceMean, components);
    }

    private static ProbeManifest Manifest(string probeId, string task, ProbeKind kind, int layer, double threshold, bool covariance, double[]? eigenvalues = null) => new(
        SchemaVersion: 1,
        ProbeId: probeId,
        Task: task,
        Kind: kind,
        Model: new ManifestModel("google/gemma-2-2b", layer, $"blocks.{layer}.hook_resid_post", D, Pooling.Last),
        Calibration: new ManifestCalibration(CalibrationMethod.None, CalibrationParameters.Empty),
        Decision: new ManifestDecision(threshold),
        TrainingData: [],
        Metrics: new ProbeMetrics(),
        OodTable: [],
        Reference: new ManifestReference(
            new ScoreHistogram([0, 0.25, 0.5, 0.75, 1], [40, 30, 20, 10]), 0.3, BundleTensorNames.ActivationMean, 100,
            covariance ? new LowRankCovariance(BundleTensorNames.CovarianceComponents, eigenvalues ?? Eigenvalues, Residual, P99) : null),
        Provenance: new ManifestProvenance(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), "test"));

    public static float[] Gaussian(Random rng, int count, double std = 1.0, double mean = 0.0)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            values[i] = (float)(mean + std * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }
        return values;
    }

    /// <summary>d² under the diagonal reference covariance, written out.</summary>
    public static double MahalanobisSquared(ReadOnlySpan<float> x)
    {
        double sum = 0;
        for (int j = 0; j < D; j++)
        {
            double u = (double)x[j] - ReferenceMean[j];
            sum += u * u / (j < Eigenvalues.Length ? Eigenvalues[j] : Residual);
        }
        return sum;
    }

    /// <summary>The dense probe's logit, written out: w·x + b.</summary>
    public static double DenseLogit(DenseProbe probe, ReadOnlySpan<float> x)
    {
        double sum = probe.Parameters.Bias;
        for (int j = 0; j < D; j++) sum += (double)probe.Parameters.Weights[j] * x[j];
        return sum;
    }

    /// <summary>The SAE probe's latents and logit, written out: JumpReLU(W(x − b_dec) + b_enc), then w·(a − mean)/scale + b.</summary>
    public static (double[] Latents, double Logit) SaeLogit(SaeProbe probe, ReadOnlySpan<float> x)
    {
        var p = probe.Parameters;
        int k = p.LatentCount;
        var a = new double[k];
        double logit = p.Bias;
        for (int i = 0; i < k; i++)
        {
            double pre = p.EncoderBias[i];
            for (int j = 0; j < D; j++) pre += (double)p.Encoder[i * D + j] * ((double)x[j] - p.DecoderBias[j]);
            a[i] = pre > p.Thresholds[i] && pre > 0 ? pre : 0;
            logit += p.Weights[i] * (a[i] - p.LatentMean![i]) / p.LatentScale![i];
        }
        return (a, logit);
    }
}
