using ProbeMonitor.Model;
using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Probes.Calibration;
using ProbeMonitor.Shared.Tests.Tokenization;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Tokenization;
using BundlePooling = ProbeMonitor.Probes.Bundles.Pooling;
using ModelPooling = ProbeMonitor.Model.Pooling;

namespace ProbeMonitor.Monitor.Tests.Inference;

/// <summary>A served model made in the test: a random 3-layer Gemma-2 checkpoint (d_model 16, 64 positions), a tokenizer
/// (the hand-made tiny one with every lower-case letter added, or the real Gemma one), and two dense probes of its model id
/// at layer 1 — one on the last token (Platt-calibrated), one on the mean — whose probabilities are written out here in
/// double precision from activations the engine computes directly.</summary>
internal sealed class TinyGemmaServing : IDisposable
{
    public const string ModelId = "test/tiny-gemma-2";
    public const int D = 16, Layers = 3, Layer = 1, MaxPositions = 64;
    public const string LastId = "tiny-last", MeanId = "tiny-mean";
    public const double PlattA = 0.9, PlattB = 0.2;

    /// <summary>Letters the tiny fixture lacks, given ids from 28 up, so any lower-case text tokenizes without unknowns.</summary>
    public static readonly string[] ExtraLetters = "defghijklmnopqrstuvwxyz?".Select(c => c.ToString()).ToArray();

    private readonly Lazy<GemmaModel> _reference;

    /// <param name="realTokenizer">Use ../shared's Gemma tokenizer (the model's vocabulary is then 256,000).</param>
    /// <param name="nameOrPath">Written as config.json's _name_or_path when set.</param>
    public TinyGemmaServing(bool realTokenizer = false, string? nameOrPath = ModelId)
    {
        Config = new GemmaConfig
        {
            VocabSize = realTokenizer ? 256_000 : 64,
            HiddenSize = D,
            IntermediateSize = 24,
            NumHiddenLayers = Layers,
            NumAttentionHeads = 2,
            NumKeyValueHeads = 1,
            HeadDim = 8,
            QueryPreAttnScalar = 8,
            SlidingWindow = 6,
            SlidingLayers = [true, false, true],
            MaxPositionEmbeddings = MaxPositions,
            InitializerRange = 0.2,
        };
        ModelDir = Path.Combine(Root, "model");
        RandomCheckpoint.Write(Config, 11, WeightPrecision.BF16, ModelDir);
        if (nameOrPath is not null)
        {
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(ModelDir, "config.json")))!.AsObject();
            json["_name_or_path"] = nameOrPath;
            File.WriteAllText(Path.Combine(ModelDir, "config.json"), json.ToJsonString());
        }
        if (realTokenizer) TokenizerPath = RepoPaths.Shared("models/gemma2-tokenizer/tokenizer.json");
        else
        {
            TokenizerPath = Path.Combine(ModelDir, "tokenizer.json");
            File.WriteAllText(TokenizerPath, TinyTokenizerFixture.Json(extraVocab: ExtraLetters));
        }
        Tokenizer = GemmaTokenizer.Load(TokenizerPath);

        var rng = new Random(5);
        LastProbe = new DenseProbe(LastId, D, new DenseProbeWeights(Gaussian(rng, D, 0.4), 0.15f));
        MeanProbe = new DenseProbe(MeanId, D, new DenseProbeWeights(Gaussian(rng, D, 0.4), -0.3f));
        ProbesDir = Path.Combine(Root, "probes");
        WriteBundle(LastProbe, BundlePooling.Last, new ManifestCalibration(CalibrationMethod.Platt, new CalibrationParameters(A: PlattA, B: PlattB)));
        WriteBundle(MeanProbe, BundlePooling.Mean, new ManifestCalibration(CalibrationMethod.None, CalibrationParameters.Empty));
        _reference = new Lazy<GemmaModel>(() => GemmaModel.Load(ModelDir));
    }

    public string Root { get; } = RepoPaths.NewTempDir("pm-tiny-serving");

    public GemmaConfig Config { get; }

    public string ModelDir { get; }

    public string TokenizerPath { get; }

    public string ProbesDir { get; }

    public GemmaTokenizer Tokenizer { get; }

    public DenseProbe LastProbe { get; }

    public DenseProbe MeanProbe { get; }

    /// <summary>The whole checkpoint, loaded on its own (not through the source under test).</summary>
    public GemmaModel Reference => _reference.Value;

    /// <summary>The unpooled residual stream after <paramref name="layer"/> of <paramref name="ids"/> alone, [T·d], straight from the engine.</summary>
    public float[] Rows(int[] ids, int layer = Layer) => Reference.ResidualStream([ids], [layer], ModelPooling.None).Get(layer, 0);

    /// <summary>The last row of <see cref="Rows"/>.</summary>
    public float[] LastRow(int[] ids, int layer = Layer) => Rows(ids, layer)[((ids.Length - 1) * D)..];

    /// <summary>The mean of <see cref="Rows"/> over tokens, summed in double.</summary>
    public float[] MeanRow(int[] ids, int layer = Layer)
    {
        var rows = Rows(ids, layer);
        var mean = new float[D];
        for (int i = 0; i < D; i++)
        {
            double sum = 0;
            for (int t = 0; t < ids.Length; t++) sum += rows[t * D + i];
            mean[i] = (float)(sum / ids.Length);
        }
        return mean;
    }

    /// <summary>sigmoid(A·(w·x + b) + B) of the last-token probe.</summary>
    public double LastProbability(ReadOnlySpan<float> x) => Sigmoid(PlattA * Logit(LastProbe, x) + PlattB);

    /// <summary>sigmoid(w·x + b) of the mean probe.</summary>
    public double MeanProbability(ReadOnlySpan<float> x) => Sigmoid(Logit(MeanProbe, x));

    public void Dispose()
    {
        if (_reference.IsValueCreated) _reference.Value.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static double Logit(DenseProbe probe, ReadOnlySpan<float> x)
    {
        double logit = probe.Parameters.Bias;
        for (int j = 0; j < D; j++) logit += (double)probe.Parameters.Weights[j] * x[j];
        return logit;
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private void WriteBundle(DenseProbe probe, BundlePooling pooling, ManifestCalibration calibration)
    {
        var components = new float[2 * D];
        components[0] = 1f;
        components[D + 1] = 1f;
        var manifest = new ProbeManifest(
            SchemaVersion: 1,
            ProbeId: probe.Id,
            Task: ProbeManifest.ToxicityTask,
            Kind: ProbeKind.Dense,
            Model: new ManifestModel(ModelId, Layer, $"blocks.{Layer}.hook_resid_post", D, pooling),
            Calibration: calibration,
            Decision: new ManifestDecision(0.5),
            TrainingData: [],
            Metrics: new ProbeMetrics(),
            OodTable: [],
            Reference: new ManifestReference(
                new ScoreHistogram([0, 0.5, 1], [50, 50]), 0.5, BundleTensorNames.ActivationMean, 100,
                new LowRankCovariance(BundleTensorNames.CovarianceComponents, [2.0, 1.0], 0.5, 40.0)),
            Provenance: new ManifestProvenance(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), "test"));
        ProbeBundleWriter.Write(Path.Combine(ProbesDir, probe.Id), manifest, probe, new ReferenceTensors(new float[D], components), overwrite: true);
    }

    private static float[] Gaussian(Random rng, int count, double std)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(std * Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble()));
        return values;
    }
}
