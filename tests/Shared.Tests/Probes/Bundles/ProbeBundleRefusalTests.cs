using System.Text.Json.Nodes;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Probes.Bundles;

public sealed class ProbeBundleRefusalTests : IDisposable
{
    private readonly string _root = RepoPaths.NewTempDir("pm-bundles");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string WriteDense(string name = "dense")
    {
        var (manifest, probe, reference) = BundleFixtures.Dense();
        var dir = Path.Combine(_root, name);
        ProbeBundleWriter.Write(dir, manifest, probe, reference);
        return dir;
    }

    private string WriteSae(string name = "sae")
    {
        var (manifest, probe, reference) = BundleFixtures.Sae();
        var dir = Path.Combine(_root, name);
        ProbeBundleWriter.Write(dir, manifest, probe, reference);
        return dir;
    }

    private static void EditManifest(string dir, Action<JsonObject> edit)
    {
        var path = Path.Combine(dir, ProbeBundle.ManifestFileName);
        var node = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    private static ProbeBundleException Refused(string dir)
    {
        var ex = Assert.Throws<ProbeBundleException>(() => ProbeBundle.Load(dir));
        Assert.Contains(dir, ex.Message);
        Assert.Equal(dir, ex.BundleDirectory);
        return ex;
    }

    [Fact]
    public void One_flipped_byte_in_the_weights_is_refused_with_both_hashes()
    {
        var dir = WriteDense();
        var weights = Path.Combine(dir, ProbeBundle.DefaultWeightsFileName);
        var expected = WeightsHash.Compute(weights);
        var bytes = File.ReadAllBytes(weights);
        bytes[^5] ^= 0x01;
        File.WriteAllBytes(weights, bytes);
        var actual = WeightsHash.Compute(weights);

        var ex = Refused(dir);
        Assert.Contains($"has SHA-256 {actual} but manifest.json expects {expected}", ex.Message);
        Assert.Contains("modified or corrupted", ex.Message);
    }

    [Fact]
    public void A_truncated_manifest_is_refused()
    {
        var dir = WriteDense();
        var path = Path.Combine(dir, ProbeBundle.ManifestFileName);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Contains("manifest.json is not a valid manifest (truncated or corrupted?)", Refused(dir).Message);
    }

    [Fact]
    public void An_unknown_schema_version_is_refused_before_the_rest_is_read()
    {
        var dir = WriteDense();
        EditManifest(dir, m => { m["schema_version"] = 2; m.Remove("probe_id"); });
        Assert.Contains("schema_version 2; this build reads only schema version 1", Refused(dir).Message);
    }

    [Theory]
    [InlineData("probe_id")]
    [InlineData("model")]
    [InlineData("reference")]
    [InlineData("calibration")]
    public void A_missing_required_field_is_refused_by_name(string field)
    {
        var dir = WriteDense();
        EditManifest(dir, m => m.Remove(field));
        var ex = Refused(dir);
        Assert.Contains("does not fit schema version 1", ex.Message);
        Assert.Contains($"'{field}'", ex.Message);
    }

    [Fact]
    public void Missing_weights_section_and_unknown_enum_values_are_refused()
    {
        var dir = WriteDense();
        EditManifest(dir, m => m.Remove("weights"));
        Assert.Contains("manifest field 'weights' is missing", Refused(dir).Message);

        var other = WriteDense("dense2");
        EditManifest(other, m => m["model"]!["pooling"] = "median");
        Assert.Contains("does not fit schema version 1", Refused(other).Message);
    }

    [Fact]
    public void A_manifest_d_model_that_disagrees_with_the_tensors_is_refused()
    {
        var dir = WriteDense();
        EditManifest(dir, m => m["model"]!["d_model"] = BundleFixtures.D + 1);
        Assert.Contains($"tensor 'probe.weight' has shape [{BundleFixtures.D}] but model.d_model = {BundleFixtures.D + 1} requires [{BundleFixtures.D + 1}]",
            Refused(dir).Message);
    }

    [Fact]
    public void Latent_ids_that_disagree_with_the_tensors_are_refused()
    {
        var dir = WriteSae();
        EditManifest(dir, m => { m["latent_ids"] = new JsonArray(5, 900, 17); m["reference"]!["latent_firing_rates"] = new JsonArray(0.1, 0.2, 0.3); });
        Assert.Contains("tensor 'sae.latent_ids' has shape [4] but latent_ids (k = 3) requires [3]", Refused(dir).Message);

        var swapped = WriteSae("sae2");
        EditManifest(swapped, m => m["latent_ids"] = new JsonArray(5, 900, 4000, 17));
        Assert.Contains("'sae.latent_ids'[2] is 17 but the manifest's latent_ids[2] is 4000", Refused(swapped).Message);
    }

    [Fact]
    public void NaN_weights_are_refused_even_with_a_matching_hash()
    {
        var dir = WriteDense();
        var weights = Path.Combine(dir, ProbeBundle.DefaultWeightsFileName);
        var tensors = new List<TensorToWrite>();
        using (var file = SafetensorsFile.Open(weights))
        {
            foreach (var info in file.Tensors)
            {
                var values = file.ReadSingles(info.Name);
                if (info.Name == BundleTensorNames.Weight) values[3] = float.NaN;
                tensors.Add(TensorToWrite.Singles(info.Name, values, info.Shape));
            }
        }
        SafetensorsWriter.Write(weights, tensors);
        var hash = WeightsHash.Compute(weights);
        EditManifest(dir, m => m["weights"]!["sha256"] = hash);
        Assert.Contains("tensor 'probe.weight' holds NaN at element 3", Refused(dir).Message);
    }

    [Fact]
    public void Semantic_errors_name_the_field()
    {
        var dir = WriteDense();
        EditManifest(dir, m => m["decision"]!["threshold"] = 1.5);
        Assert.Contains("manifest field 'decision.threshold' is 1.5, outside [0, 1]", Refused(dir).Message);

        var sae = WriteSae("sae");
        EditManifest(sae, m => m.Remove("sae"));
        Assert.Contains("manifest field 'sae' is missing", Refused(sae).Message);

        var traversal = WriteDense("dense3");
        EditManifest(traversal, m => m["weights"]!["file"] = "../dense/weights.safetensors");
        Assert.Contains("manifest field 'weights.file'", Refused(traversal).Message);

        var calib = WriteDense("dense4");
        EditManifest(calib, m => m["calibration"]!["parameters"] = new JsonObject { ["a"] = 1.0 });
        Assert.Contains("manifest field 'calibration.parameters' is invalid", Refused(calib).Message);
    }

    [Fact]
    public void A_missing_weights_file_or_manifest_is_refused()
    {
        var dir = WriteDense();
        File.Delete(Path.Combine(dir, ProbeBundle.DefaultWeightsFileName));
        Assert.Contains("the weights file 'weights.safetensors' named by the manifest does not exist", Refused(dir).Message);
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;
        Assert.Contains("there is no manifest.json", Refused(empty).Message);
    }
}
