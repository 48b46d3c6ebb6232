using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Probes.Calibration;
using ProbeMonitor.TestSupport;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>Two tiny bundles of one task, d_model 16, written with ProbeBundleWriter: a dense probe (Platt-calibrated) and an
/// SAE probe (JumpReLU, 4 latents, temperature-calibrated), both at layer 20 with last-token pooling and a diagonal
/// reference covariance. The expected numbers are written out here in double precision, independent of the scorer.</summary>
internal sealed class ServingBundles : IDisposable
{
    public const int D = 16;
    public const int Layer = 20;
    public const string Model = "google/gemma-2-2b";
    public const string Task = ProbeManifest.ToxicityTask;
    public const string DenseId = "tox-dense";
    public const string SaeId = "tox-sae";
    public const double PlattA = 1.3, PlattB = -0.4, Temperature = 1.7;
    public const double Threshold = 0.5;
    public const double Residual = 0.25, P99 = 30.0;
    public static readonly double[] Eigenvalues = [2.0, 0.5, 1.5];

    public ServingBundles()
    {
        var rng = new Random(7);
        Dense = new DenseProbe(DenseId, D, new DenseProbeWeights(Gaussian(rng, D, 0.5), 0.1f));
        int[] ids = [11, 3, 42, 7];
        Sae = new SaeProbe(SaeId, D, new SaeProbeWeights(
            ids, Gaussian(rng, ids.Length * D, 0.5), [0.2f, -0.1f, 0.05f, 0.3f], [0.1f, 0.3f, 0.2f, 0.05f], Gaussian(rng, D, 0.1), true,
            SaeActivation.JumpRelu, [1.5f, -2f, 0.75f, 1f], -0.25f, LatentMean: [0.1f, 0.2f, 0.3f, 0.1f], LatentScale: [0.5f, 2f, 1f, 0.8f]));
        Write();
    }

    public string Root { get; } = RepoPaths.NewTempDir("pm-serving");

    public DenseProbe Dense { get; }

    public SaeProbe Sae { get; }

    public static float[] ReferenceMean { get; } = Enumerable.Range(0, D).Select(i => (float)(0.05 * (i % 5) - 0.1)).ToArray();

    public string PathOf(string probeId) => System.IO.Path.Combine(Root, probeId);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }

    /// <summary>Flips one byte of a bundle's weights, so its SHA-256 no longer matches the manifest.</summary>
    public void Tamper(string probeId)
    {
        var weights = System.IO.Path.Combine(PathOf(probeId), ProbeBundle.DefaultWeightsFileName);
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(weights, bytes);
    }

    /// <summary>(Re)writes both bundles untouched.</summary>
    public void Write()
    {
        ProbeBundleWriter.Write(PathOf(DenseId), Manifest(DenseId, ProbeKind.Dense) with
        {
            Calibration = new ManifestCalibration(CalibrationMethod.Platt, new CalibrationParameters(A: PlattA, B: PlattB)),
        }, Dense, Reference(), overwrite: true);
        var sae = Manifest(SaeId, ProbeKind.Sae) with
        {
            Sae = new ManifestSae("test-sae", 64, SaeActivation.JumpRelu, true),
            LatentIds = Sae.Parameters.LatentIds,
            Calibration = new ManifestCalibration(CalibrationMethod.Temperature, new CalibrationParameters(Temperature: Temperature)),
        };
        sae = sae with { Reference = sae.Reference with { LatentFiringRates = [0.3, 0.5, 0.2, 0.4] } };
        ProbeBundleWriter.Write(PathOf(SaeId), sae, Sae, Reference(), overwrite: true);
    }

    /// <summary>A deterministic activation vector for request <paramref name="i"/>.</summary>
    public static float[] Vector(int i) => Gaussian(new Random(1000 + i), D, 1.0, 0.1);

    /// <summary>The dense probe's calibrated probability, written out: sigmoid(a·(w·x + b) + B).</summary>
    public double DenseProbability(ReadOnlySpan<float> x)
    {
        double logit = Dense.Parameters.Bias;
        for (int j = 0; j < D; j++) logit += (double)Dense.Parameters.Weights[j] * x[j];
        return Sigmoid(PlattA * logit + PlattB);
    }

    /// <summary>The SAE probe's latents and calibrated probability, written out: JumpReLU(W(x − b_dec) + b_enc), then
    /// w·(a − mean)/scale + b, then sigmoid(logit / T).</summary>
    public (double[] Latents, double Logit, double Probability) SaeProbability(ReadOnlySpan<float> x)
    {
        var p = Sae.Parameters;
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
        return (a, logit, Sigmoid(logit / Temperature));
    }

    /// <summary>√d² under the diagonal reference covariance (λ on the first axes, the residual variance elsewhere).</summary>
    public static double MahalanobisDistance(ReadOnlySpan<float> x)
    {
        double sum = 0;
        for (int j = 0; j < D; j++)
        {
            double u = (double)x[j] - ReferenceMean[j];
            sum += u * u / (j < Eigenvalues.Length ? Eigenvalues[j] : Residual);
        }
        return Math.Sqrt(sum);
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private static ReferenceTensors Reference()
    {
        var components = new float[Eigenvalues.Length * D];
        for (int i = 0; i < Eigenvalues.Length; i++) components[i * D + i] = 1f;
        return new ReferenceTensors(ReferenceMean, components);
    }

    private static ProbeManifest Manifest(string probeId, ProbeKind kind) => new(
        SchemaVersion: 1,
        ProbeId: probeId,
        Task: Task,
        Kind: kind,
        Model: new ManifestModel(Model, Layer, $"blocks.{Layer}.hook_resid_post", D, Pooling.Last),
        Calibration: new ManifestCalibration(CalibrationMethod.None, CalibrationParameters.Empty),
        Decision: new ManifestDecision(Threshold),
        TrainingData: [],
        Metrics: new ProbeMetrics(),
        OodTable: [],
        Reference: new ManifestReference(
            new ScoreHistogram([0, 0.25, 0.5, 0.75, 1], [40, 30, 20, 10]), 0.3, BundleTensorNames.ActivationMean, 100,
            new LowRankCovariance(BundleTensorNames.CovarianceComponents, Eigenvalues, Residual, P99)),
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
}
