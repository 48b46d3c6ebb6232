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
        var prompts = new[]
        {
            ("The Normans were the people who gave their name to Normandy, a region in France.", "In what country is Normandy located?"),
            ("The Amazon rainforest covers much of the Amazon basin of South America.", "Who wrote the first novel about the river?"),
            ("Oxygen is a chemical element with symbol O and atomic number 8.", "What is the atomic number of oxygen?"),
        }.Select(p => tokenizer.Encode(PromptTemplates.Default.Render(new AnswerabilityItem(p.Item1, p.Item2, true)))).ToArray();

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

        Assert.True(Similarity(embedded.ModelDirectory) > 0.9, "the committed probes' reference mean does not look like this model's activations");
        string other = Path.Combine(_cache, "other-seed");
        var spec = EmbeddedCheckpoint.Load(Path.Combine(SourceAssets, EmbeddedCheckpoint.FileName));
        RandomCheckpoint.Write(GemmaConfig.Load(Path.Combine(SourceAssets, "config.json")), spec.Seed + 1, WeightPrecision.F32, other);
        Assert.True(Similarity(other) < 0.5, "a model of another seed should not match the reference mean");
    }
}
