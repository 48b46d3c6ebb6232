using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Probes.Calibration;

namespace ProbeMonitor.Shared.Tests.Probes.Bundles;

/// <summary>Small, fully populated dense and SAE bundles for the bundle tests.</summary>
internal static class BundleFixtures
{
    public const int D = 16;
    public static readonly int[] LatentIds = [5, 900, 17, 4000];

    public static (ProbeManifest Manifest, IProbe Probe, ReferenceTensors Reference) Dense(string probeId = "answerability-dense-l20", int seed = 1)
    {
        var rng = new Random(seed);
        var probe = new DenseProbe(probeId, D, new DenseProbeWeights(
            ProbeTestData.Gaussian(rng, D, 0.5), 0.125f, ProbeTestData.Gaussian(rng, D), ProbeTestData.Uniform(rng, D, 0.5, 2)));
        var manifest = BaseManifest(probeId, ProbeKind.Dense, rng) with
        {
            Calibration = new ManifestCalibration(CalibrationMethod.Platt, new CalibrationParameters(A: 1.7, B: -0.2), 0.081, 0.012),
        };
        return (manifest, probe, new ReferenceTensors(ProbeTestData.Gaussian(rng, D), ProbeTestData.Gaussian(rng, 3 * D)));
    }

    public static (ProbeManifest Manifest, IProbe Probe, ReferenceTensors Reference) Sae(string probeId = "toxicity-sae-l20", int seed = 2)
    {
        var rng = new Random(seed);
        int k = LatentIds.Length;
        var probe = new SaeProbe(probeId, D, new SaeProbeWeights(
            LatentIds, ProbeTestData.Gaussian(rng, k * D, 0.4), ProbeTestData.Gaussian(rng, k, 0.3), ProbeTestData.Uniform(rng, k, 0, 0.5),
            ProbeTestData.Gaussian(rng, D, 0.2), true, SaeActivation.JumpRelu, ProbeTestData.Gaussian(rng, k), -0.5f,
            ProbeTestData.Uniform(rng, k, 0, 1), ProbeTestData.Uniform(rng, k, 0.5, 1.5), Binarize: true));
        var manifest = BaseManifest(probeId, ProbeKind.Sae, rng) with
        {
            Task = ProbeManifest.ToxicityTask,
            Sae = new ManifestSae("gemma-scope-2b-pt-res/layer_20/width_16k/average_l0_71", 16384, SaeActivation.JumpRelu, true),
            LatentIds = LatentIds,
            Binarize = true,
            Calibration = new ManifestCalibration(CalibrationMethod.Isotonic, new CalibrationParameters(X: [-2, 0, 1.5], Y: [0.05, 0.4, 0.9]), 0.05, 0.01),
            RandomBaselineMargin = 0.21,
        };
        manifest = manifest with { Reference = manifest.Reference with { LatentFiringRates = [0.1, 0.02, 0.5, 0.3] } };
        return (manifest, probe, new ReferenceTensors(ProbeTestData.Gaussian(rng, D), ProbeTestData.Gaussian(rng, 3 * D)));
    }

    private static ProbeManifest BaseManifest(string probeId, ProbeKind kind, Random rng) => new(
        SchemaVersion: 1,
        ProbeId: probeId,
        Task: ProbeManifest.AnswerabilityTask,
        Kind: kind,
        Model: new ManifestModel("google/gemma-2-2b", 20, "blocks.20.hook_resid_post", D, Pooling.Last),
        Calibration: new ManifestCalibration(CalibrationMethod.Temperature, new CalibrationParameters(Temperature: 1.9)),
        Decision: new ManifestDecision(0.62, new OperatingPoint(0.05, 0.048, 0.71)),
        TrainingData: [new TrainingDataset("90_glue_qnli", new string('a', 63) + "b", 5000), new TrainingDataset("squad2-dev", new string('c', 64), 6078)],
        Metrics: new ProbeMetrics(0.91, 0.905, 0.84, 0.83, new Dictionary<string, double> { ["test_brier"] = 0.12 }),
        OodTable: [new OodResult("boolq-paired", 3270, 0.71, 0.69, 0.73, 0.66, 0.64), new OodResult("idk", 500, 0.62)],
        Reference: new ManifestReference(
            new ScoreHistogram([0, 0.25, 0.5, 0.75, 1], [40, 30, 20, rng.Next(5, 15)]),
            0.31, BundleTensorNames.ActivationMean, 100,
            new LowRankCovariance(BundleTensorNames.CovarianceComponents, [3.0, 1.5, 0.5], 0.02, 9.7)),
        Provenance: new ManifestProvenance(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero), "0.1.0", "trainer export --probe x", "0123abcd"));
}
