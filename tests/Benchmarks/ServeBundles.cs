using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Probes.Calibration;

namespace ProbeMonitor.Benchmarks;

/// <summary>Four probe bundles of Gemma-2-2B width for the serve benchmark: a dense and an SAE probe (64 latents) for each of
/// two tasks, with a rank-64 reference covariance, so scoring costs what it would in production.</summary>
internal static class ServeBundles
{
    public const int Latents = 64, Rank = 64;

    /// <summary>The model id every bundle names (a served model must be given this id).</summary>
    public const string ModelId = "google/gemma-2-2b";

    public static readonly (string Id, string Task, string Kind)[] Probes =
    [
        ("ans-dense", ProbeManifest.AnswerabilityTask, "dense"), ("ans-sae", ProbeManifest.AnswerabilityTask, "sae"),
        ("tox-dense", ProbeManifest.ToxicityTask, "dense"), ("tox-sae", ProbeManifest.ToxicityTask, "sae"),
    ];

    public static int ProbeCount => Probes.Length;

    /// <summary>Writes the bundles into a new temporary directory and returns it.</summary>
    public static string Write(int d, int layer)
    {
        var root = Path.Combine(Path.GetTempPath(), $"pm-serve-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var rng = new Random(3);
        var components = new float[Rank * d];
        for (int i = 0; i < Rank; i++) components[i * d + i] = 1f; // orthonormal: the first Rank axes
        var reference = new ReferenceTensors(new float[d], components);
        foreach (var (id, task, kind) in Probes)
        {
            IProbe probe;
            var manifest = Manifest(id, task, kind == "sae" ? ProbeKind.Sae : ProbeKind.Dense, d, layer);
            if (kind == "sae")
            {
                var ids = Enumerable.Range(0, Latents).Select(i => i * 97).ToArray();
                probe = new SaeProbe(id, d, new SaeProbeWeights(ids, Gaussian(rng, Latents * d, 0.03), Gaussian(rng, Latents, 0.1), new float[Latents],
                    new float[d], true, SaeActivation.JumpRelu, Gaussian(rng, Latents, 0.5), 0.1f));
                manifest = manifest with
                {
                    Sae = new ManifestSae("bench-sae", 16384, SaeActivation.JumpRelu, true),
                    LatentIds = ids,
                    Reference = manifest.Reference with { LatentFiringRates = Enumerable.Repeat(0.3, Latents).ToArray() },
                };
            }
            else
            {
                probe = new DenseProbe(id, d, new DenseProbeWeights(Gaussian(rng, d, 0.03), 0.1f));
            }
            ProbeBundleWriter.Write(Path.Combine(root, id), manifest, probe, reference);
        }
        return root;
    }

    private static ProbeManifest Manifest(string id, string task, ProbeKind kind, int d, int layer) => new(
        SchemaVersion: 1,
        ProbeId: id,
        Task: task,
        Kind: kind,
        Model: new ManifestModel(ModelId, layer, $"blocks.{layer}.hook_resid_post", d, Pooling.Last),
        Calibration: new ManifestCalibration(CalibrationMethod.Platt, new CalibrationParameters(A: 1.1, B: -0.2)),
        Decision: new ManifestDecision(0.5),
        TrainingData: [],
        Metrics: new ProbeMetrics(),
        OodTable: [],
        Reference: new ManifestReference(new ScoreHistogram([0, 0.25, 0.5, 0.75, 1], [40, 30, 20, 10]), 0.3, BundleTensorNames.ActivationMean, 1000,
            new LowRankCovariance(BundleTensorNames.CovarianceComponents, Enumerable.Repeat(2.0, Rank).ToArray(), 0.5, 3000)),
        Provenance: new ManifestProvenance(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), "serve benchmark"));

    private static float[] Gaussian(Random rng, int count, double std)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble()));
        return values;
    }
}
