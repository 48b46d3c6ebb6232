using ProbeMonitor.Datasets;
using ProbeMonitor.Model;
using ProbeMonitor.Monitor.EmbeddedDefault;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Tokenization;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.EmbeddedDefault;

/// <summary>The committed default bundles load, name the embedded model, its hook layer and width, and were fitted on this model's activations.</summary>
public sealed class CommittedBundlesTests : IDisposable
{
    private static readonly string[] Expected = ["answerability-dense", "answerability-sae", "toxicity-dense", "toxicity-sae"];

    private readonly string _cache = RepoPaths.NewTempDir("pm-embedded-bundles");

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private static string SourceAssets => Path.Combine(RepoPaths.Root, "src", "Monitor", EmbeddedDefaultModel.AssetsFolder);

    [Fact]
    public void Every_committed_bundle_loads_and_matches_the_embedded_model()
    {
        var config = GemmaConfig.Load(Path.Combine(SourceAssets, "config.json"));
        var spec = EmbeddedCheckpoint.Load(Path.Combine(SourceAssets, EmbeddedCheckpoint.FileName));
        foreach (var root in new[] { Path.Combine(SourceAssets, EmbeddedDefaultModel.ProbesFolder), EmbeddedDefaultModel.Materialize(_cache).ProbesDirectory })
        {
            var result = BundleDirectory.LoadAll(root);
            Assert.Empty(result.Errors);
            Assert.Equal(Expected, result.Bundles.Select(b => Path.GetFileName(b.DirectoryPath)));
            foreach (var bundle in result.Bundles)
            {
                var model = bundle.Manifest.Model;
                Assert.Equal(EmbeddedDefaultModel.ModelId, model.Id);
                Assert.Equal(spec.HookLayer, model.Layer);
                Assert.Equal($"blocks.{spec.HookLayer}.hook_resid_post", model.HookName);
                Assert.Equal(config.HiddenSize, model.DModel);
                Assert.Equal(config.HiddenSize, bundle.CreateProbe().InputDim);
                Assert.Equal(bundle.ProbeId, ProbeBundle.Load(bundle.DirectoryPath).ProbeId);
                Assert.NotNull(bundle.Manifest.Provenance.Command);
                Assert.Contains("export --task", bundle.Manifest.Provenance.Command);
            }
        }
    }

    [Fact]
    public void The_bundles_reference_mean_is_this_models_activation_not_another_seeds()
    {
        var embedded = EmbeddedDefaultModel.Materialize(_cache);
        var bundle = ProbeBundle.Load(Path.Combine(embedded.ProbesDirectory, "answerability-dense"));
        var tokenizer = GemmaTokenizer.Load(embedded.TokenizerPath);
        // One prompt's activation has cosine ≈ 0.5 with the mean of the 800 reference rows (measured on the export's own file), and these
        // short prompts differ from SQuAD's, so the mean of 48 reaches ≈ 0.68 on this model and ≈ 0 on a model of another seed.
        string[] contexts =
        [
            "The Normans were the people who gave their name to Normandy, a region in France.",
            "The Amazon rainforest covers much of the Amazon basin of South America.",
            "Oxygen is a chemical element with symbol O and atomic number 8.",
            "The Victoria and Albert Museum in London holds a large collection of decorative arts.",
            "In 1905 Einstein published four papers that changed physics.",
            "The committee approved the budget after a long debate in the spring of 2010.",
            "Warsaw is the capital and largest city of Poland, on the Vistula river.",
            "The Super Bowl is the annual championship game of the National Football League.",
        ];
        string[] questions =
        [
            "In what country is Normandy located?", "Who wrote the first novel about the river?", "What is the atomic number of oxygen?",
            "When was the museum founded?", "Which river flows through the city?", "How many papers were published?",
        ];
        var prompts = contexts.SelectMany(c => questions.Select(q => tokenizer.Encode(PromptTemplates.Default.Render(new AnswerabilityItem(c, q, true))))).ToArray();

        double Similarity(string modelDir)
        {
            using var model = GemmaModel.Load(modelDir, maxLayer: embedded.HookLayer);
            var acts = model.ResidualStream(prompts, [embedded.HookLayer], bundle.Manifest.Model.Pooling == Probes.Bundles.Pooling.Mean ? Model.Pooling.Mean : Model.Pooling.Last);
            var mean = new double[model.Config.HiddenSize];
            for (int s = 0; s < prompts.Length; s++)
            {
                var row = acts.Get(embedded.HookLayer, s);
                for (int j = 0; j < mean.Length; j++) mean[j] += row[j] / prompts.Length;
            }
            var reference = bundle.Reference.ActivationMean;
            double dot = 0, a = 0, b = 0;
            for (int j = 0; j < mean.Length; j++)
            {
                dot += mean[j] * reference[j];
                a += mean[j] * mean[j];
                b += (double)reference[j] * reference[j];
            }
            return dot / Math.Sqrt(a * b);
        }

        double own = Similarity(embedded.ModelDirectory);
        Assert.True(own > 0.5, $"the committed probes' reference mean does not look like this model's activations (cosine {own:F3})");
        string other = Path.Combine(_cache, "other-seed");
        var spec = EmbeddedCheckpoint.Load(Path.Combine(SourceAssets, EmbeddedCheckpoint.FileName));
        RandomCheckpoint.Write(GemmaConfig.Load(Path.Combine(SourceAssets, "config.json")), spec.Seed + 1, WeightPrecision.F32, other);
        double foreign = Similarity(other);
        Assert.True(foreign < 0.2, $"a model of another seed should not match the reference mean (cosine {foreign:F3}, own {own:F3})");
    }
}
