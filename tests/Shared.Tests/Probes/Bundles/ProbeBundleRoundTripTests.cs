using System.Text;
using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Probes.Bundles;

public sealed class ProbeBundleRoundTripTests : IDisposable
{
    private readonly string _root = RepoPaths.NewTempDir("pm-bundles");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Dense_bundle_round_trips_every_field_and_scores_identically()
    {
        var (manifest, probe, reference) = BundleFixtures.Dense();
        var dir = Path.Combine(_root, "dense");
        var written = ProbeBundleWriter.Write(dir, manifest, probe, reference);
        var bundle = ProbeBundle.Load(dir);

        // Every manifest field: the loaded manifest serialises to exactly the bytes on disk, and equals what was given.
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, ProbeBundle.ManifestFileName)), ProbeManifestJson.Serialize(bundle.Manifest));
        Assert.Equal(Encoding.UTF8.GetString(ProbeManifestJson.Serialize(written)), Encoding.UTF8.GetString(ProbeManifestJson.Serialize(bundle.Manifest)));
        Assert.Equal(Encoding.UTF8.GetString(ProbeManifestJson.Serialize(manifest with { Weights = written.Weights })),
            Encoding.UTF8.GetString(ProbeManifestJson.Serialize(bundle.Manifest)));
        Assert.Equal(ProbeBundle.DefaultWeightsFileName, written.Weights!.File);
        Assert.Equal(0.12, bundle.Manifest.Metrics.Extra!["test_brier"]);
        Assert.Equal(manifest.Provenance.CreatedUtc, bundle.Manifest.Provenance.CreatedUtc);

        var loaded = Assert.IsType<DenseProbe>(bundle.CreateProbe());
        var original = ((DenseProbe)probe).Parameters;
        Assert.Equal(original.Weights, loaded.Parameters.Weights);
        Assert.Equal(original.Bias, loaded.Parameters.Bias);
        Assert.Equal(original.Mean, loaded.Parameters.Mean);
        Assert.Equal(original.Scale, loaded.Parameters.Scale);
        AssertSameScores(probe, loaded);

        Assert.Equal(reference.ActivationMean, bundle.Reference.ActivationMean);
        Assert.Equal(reference.CovarianceComponents, bundle.Reference.Covariance!.Components);
        Assert.Equal(3, bundle.Reference.Covariance.Rank);
        Assert.Equal(manifest.Reference.Covariance!.Eigenvalues, bundle.Reference.Covariance.Eigenvalues);
        Assert.Equal(manifest.Reference.ScoreHistogram.Counts, bundle.Reference.ScoreHistogram.Counts);
        Assert.Equal(100, bundle.Reference.NReference);
        Assert.Equal(1 / (1 + Math.Exp(-(1.7 * 0.3 - 0.2))), bundle.CreateCalibrator().Apply(0.3), 15);
        Assert.Empty(Directory.GetDirectories(_root, ".*"));
    }

    [Fact]
    public void Sae_bundle_round_trips_latents_normalisation_and_binarisation()
    {
        var (manifest, probe, reference) = BundleFixtures.Sae();
        var dir = Path.Combine(_root, "sae");
        var written = ProbeBundleWriter.Write(dir, manifest, probe, reference);
        var bundle = ProbeBundle.Load(dir);

        Assert.Equal(Encoding.UTF8.GetString(ProbeManifestJson.Serialize(manifest with { Weights = written.Weights })),
            Encoding.UTF8.GetString(ProbeManifestJson.Serialize(bundle.Manifest)));
        var loaded = Assert.IsType<SaeProbe>(bundle.CreateProbe());
        var a = ((SaeProbe)probe).Parameters;
        var b = loaded.Parameters;
        Assert.Equal(a.LatentIds, b.LatentIds);
        Assert.Equal(a.Encoder, b.Encoder);
        Assert.Equal(a.EncoderBias, b.EncoderBias);
        Assert.Equal(a.Thresholds, b.Thresholds);
        Assert.Equal(a.DecoderBias, b.DecoderBias);
        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.LatentMean, b.LatentMean);
        Assert.Equal(a.LatentScale, b.LatentScale);
        Assert.Equal((a.Bias, a.Binarize, a.Activation, a.ApplyDecoderBiasToInput), (b.Bias, b.Binarize, b.Activation, b.ApplyDecoderBiasToInput));
        AssertSameScores(probe, loaded);
        Assert.Equal([0.1, 0.02, 0.5, 0.3], bundle.Reference.LatentFiringRates!);
        Assert.Equal(0.4, bundle.CreateCalibrator().Apply(0), 15);
    }

    [Fact]
    public void Manifest_json_uses_snake_case_names_and_lower_case_enum_values()
    {
        var (manifest, probe, reference) = BundleFixtures.Sae();
        var dir = Path.Combine(_root, "names");
        ProbeBundleWriter.Write(dir, manifest, probe, reference);
        var json = File.ReadAllText(Path.Combine(dir, ProbeBundle.ManifestFileName));
        foreach (var key in new[]
                 {
                     "schema_version", "probe_id", "hook_name", "d_model", "apply_b_dec_to_input", "latent_ids", "ece_before", "ece_after",
                     "operating_point", "target_fpr", "training_data", "val_auc", "test_f1", "ood_table", "auc_ci_low", "auc_ci_high",
                     "random_baseline_margin", "score_histogram", "positive_rate", "activation_mean_tensor", "components_tensor",
                     "residual_variance", "mahalanobis_squared_p99", "latent_firing_rates", "n_reference", "created_utc", "trainer_version",
                     "git_commit", "sha256",
                 })
            Assert.Contains($"\"{key}\":", json);
        foreach (var value in new[] { "\"kind\": \"sae\"", "\"architecture\": \"jumprelu\"", "\"method\": \"isotonic\"", "\"pooling\": \"last\"", "\"task\": \"toxicity\"" })
            Assert.Contains(value, json);

        var (dense, denseProbe, denseRef) = BundleFixtures.Dense();
        ProbeBundleWriter.Write(Path.Combine(_root, "dense"), dense, denseProbe, denseRef);
        var denseJson = File.ReadAllText(Path.Combine(_root, "dense", ProbeBundle.ManifestFileName));
        Assert.DoesNotContain("\"sae\"", denseJson);
        Assert.Contains("\"kind\": \"dense\"", denseJson);
    }

    [Fact]
    public void Existing_directory_is_replaced_only_when_asked()
    {
        var (manifest, probe, reference) = BundleFixtures.Dense();
        var dir = Path.Combine(_root, "b");
        ProbeBundleWriter.Write(dir, manifest, probe, reference);
        var ex = Assert.Throws<ProbeBundleException>(() => ProbeBundleWriter.Write(dir, manifest, probe, reference));
        Assert.Contains("already exists", ex.Message);

        var (_, other, _) = BundleFixtures.Dense(seed: 9);
        ProbeBundleWriter.Write(dir, manifest, other, reference, overwrite: true);
        var reloaded = (DenseProbe)ProbeBundle.Load(dir).CreateProbe();
        Assert.Equal(((DenseProbe)other).Parameters.Weights, reloaded.Parameters.Weights);
        Assert.Equal(["b"], Directory.GetFileSystemEntries(_root).Select(Path.GetFileName));
    }

    [Fact]
    public void Writer_refuses_a_probe_that_disagrees_with_its_manifest_and_leaves_nothing_behind()
    {
        var (manifest, probe, reference) = BundleFixtures.Dense();
        var ex = Assert.Throws<ProbeBundleException>(() =>
            ProbeBundleWriter.Write(Path.Combine(_root, "x"), manifest with { ProbeId = "other" }, probe, reference));
        Assert.Contains("probe id 'answerability-dense-l20' but probe_id 'other'", ex.Message);
        var bad = Assert.Throws<ProbeBundleException>(() =>
            ProbeBundleWriter.Write(Path.Combine(_root, "y"), manifest, probe, reference with { ActivationMean = new float[3] }));
        Assert.Contains("reference activation mean has 3 values but model.d_model is 16", bad.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    private static void AssertSameScores(IProbe expected, IProbe actual)
    {
        var x = ProbeTestData.Gaussian(new Random(99), 7 * BundleFixtures.D, 1.0, 0.2);
        float[] a = new float[7], b = new float[7];
        expected.ScoreLogits(x, 7, a);
        actual.ScoreLogits(x, 7, b);
        Assert.Equal(a, b);
    }
}
