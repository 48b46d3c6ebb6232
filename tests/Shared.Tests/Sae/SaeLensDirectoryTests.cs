using System.Text.Json.Nodes;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Kernels;
using ProbeMonitor.Sae;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae;

public sealed class SaeLensDirectoryTests : IDisposable
{
    private readonly string _root = RepoPaths.NewTempDir("pm-sae-dir");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    public static TheoryData<SaeArchitecture> Architectures() => [SaeArchitecture.JumpRelu, SaeArchitecture.TopK, SaeArchitecture.Relu];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Save_then_load_round_trips_weights_config_and_extra_fields(SaeArchitecture arch)
    {
        var config = new SaeConfig(arch, 12, 40)
        {
            K = arch == SaeArchitecture.TopK ? 5 : null,
            ApplyBDecToInput = true,
            NormalizeActivations = ActivationNormalization.ExpectedAverageOnlyIn,
            NormScalingFactor = 0.75,
            ModelName = "gemma-2-2b",
            HookName = "blocks.20.hook_resid_post",
            HookLayer = 20,
            DType = "bfloat16",
            Extra = new Dictionary<string, JsonNode?> { ["context_size"] = 1024, ["prepend_bos"] = true, ["dataset_path"] = "monology/pile" },
        };
        var sae = SaeTestData.Random(config, seed: 3);
        SaeLensDirectory.Save(sae, Dir("sae"));
        Assert.Equal([SaeLensDirectory.ConfigFileName, SaeLensDirectory.WeightsFileName],
            Directory.GetFiles(Dir("sae")).Select(Path.GetFileName).Order());
        Assert.Single(Directory.GetFileSystemEntries(_root)); // the staging folder is gone

        var back = SaeLensDirectory.Load(Dir("sae"));
        var c = back.Config;
        Assert.Equal((arch, 12, 40, config.K, true), (c.Architecture, c.DIn, c.DSae, c.K, c.ApplyBDecToInput));
        Assert.Equal((ActivationNormalization.ExpectedAverageOnlyIn, (double?)0.75), (c.NormalizeActivations, c.NormScalingFactor));
        Assert.Equal(("gemma-2-2b", "blocks.20.hook_resid_post", (int?)20, "bfloat16"), (c.ModelName, c.HookName, c.HookLayer, c.DType));
        Assert.Equal(["context_size", "dataset_path", "prepend_bos"], c.Extra.Keys.Order());
        Assert.Equal(1024, c.Extra["context_size"]!.GetValue<int>());
        Assert.Equal(sae.WEnc.ToArray(), back.WEnc.ToArray());
        Assert.Equal(sae.WDec.ToArray(), back.WDec.ToArray());
        Assert.Equal(sae.BEnc.ToArray(), back.BEnc.ToArray());
        Assert.Equal(sae.BDec.ToArray(), back.BDec.ToArray());
        Assert.Equal(sae.Threshold.ToArray(), back.Threshold.ToArray());
        var x = SaeTestData.Gaussian(new Random(1), 3 * 12);
        Assert.Equal(sae.Encode(x, 3), back.Encode(x, 3));
    }

    [Fact]
    public void Saving_over_an_existing_folder_replaces_the_pair_and_keeps_other_files()
    {
        var first = SaeTestData.Random(new SaeConfig(SaeArchitecture.Relu, 4, 6), seed: 1);
        var second = SaeTestData.Random(new SaeConfig(SaeArchitecture.JumpRelu, 5, 7) { ModelName = "m" }, seed: 2);
        SaeLensDirectory.Save(first, Dir("sae"));
        File.WriteAllText(Path.Combine(Dir("sae"), "sparsity.safetensors"), "not ours");
        SaeLensDirectory.Save(second, Dir("sae"));
        var back = SaeLensDirectory.Load(Dir("sae"));
        Assert.Equal((SaeArchitecture.JumpRelu, 5, 7, "m"), (back.Config.Architecture, back.DIn, back.DSae, back.Config.ModelName));
        Assert.Equal("not ours", File.ReadAllText(Path.Combine(Dir("sae"), "sparsity.safetensors")));
        Assert.Single(Directory.GetFileSystemEntries(_root));
    }

    /// <summary>Writes a folder the way SAELens would: the given cfg.json text and tensors.</summary>
    private string WriteFolder(string name, string cfgJson, params TensorToWrite[] tensors)
    {
        var dir = Dir(name);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, SaeLensDirectory.ConfigFileName), cfgJson);
        SafetensorsWriter.Write(Path.Combine(dir, SaeLensDirectory.WeightsFileName), tensors);
        return dir;
    }

    private static TensorToWrite[] Tensors(int dIn, int dSae, bool threshold = true, int seed = 5)
    {
        var rng = new Random(seed);
        var list = new List<TensorToWrite>
        {
            TensorToWrite.Singles("W_enc", SaeTestData.Gaussian(rng, dIn * dSae), dIn, dSae),
            TensorToWrite.Singles("W_dec", SaeTestData.Gaussian(rng, dSae * dIn), dSae, dIn),
            TensorToWrite.Singles("b_enc", SaeTestData.Gaussian(rng, dSae), dSae),
            TensorToWrite.Singles("b_dec", SaeTestData.Gaussian(rng, dIn), dIn),
        };
        if (threshold) list.Add(TensorToWrite.Singles("threshold", SaeTestData.Uniform(rng, dSae, 0, 1), dSae));
        return [.. list];
    }

    [Fact]
    public void Reads_a_SAELens_6_config_with_nested_metadata()
    {
        const string cfg = """
        {"d_in": 3, "d_sae": 8, "dtype": "float32", "device": "cpu", "apply_b_dec_to_input": false,
         "normalize_activations": "none", "reshape_activations": "none", "architecture": "jumprelu",
         "metadata": {"model_name": "gemma-2-2b", "hook_name": "blocks.12.hook_resid_post", "context_size": 1024,
                      "sae_lens_version": "6.5.1", "neuronpedia_id": "gemma-2-2b/12-gemmascope-res-16k"}}
        """;
        var sae = SaeLensDirectory.Load(WriteFolder("v6", cfg, Tensors(3, 8)));
        var c = sae.Config;
        Assert.Equal((SaeArchitecture.JumpRelu, false, "gemma-2-2b", "blocks.12.hook_resid_post"), (c.Architecture, c.ApplyBDecToInput, c.ModelName, c.HookName));
        Assert.Equal(12, c.HookLayer); // inferred from the hook name
        Assert.Equal(["context_size", "device", "neuronpedia_id", "reshape_activations"], c.Extra.Keys.Order());
        var written = JsonNode.Parse(SaeLensConfigJson.Write(c))!.AsObject();
        Assert.False(written.ContainsKey("metadata"));
        Assert.False(written.ContainsKey("sae_lens_version"));
        Assert.Equal("gemma-2-2b", (string?)written["model_name"]);
    }

    [Fact]
    public void Reads_a_pre_6_topk_config_and_defaults_b_dec_subtraction_on()
    {
        const string cfg = """
        {"architecture": "standard", "d_in": 3, "d_sae": 8, "activation_fn_str": "topk", "activation_fn_kwargs": {"k": 2},
         "hook_point": "blocks.4.hook_resid_pre", "hook_point_layer": 4, "normalize_activations": false}
        """;
        var c = SaeLensDirectory.Load(WriteFolder("pre6", cfg, Tensors(3, 8, threshold: false))).Config;
        Assert.Equal((SaeArchitecture.TopK, (int?)2, true), (c.Architecture, c.K, c.ApplyBDecToInput));
        Assert.Equal(("blocks.4.hook_resid_pre", (int?)4, ActivationNormalization.None), (c.HookName, c.HookLayer, c.NormalizeActivations));
    }

    [Fact]
    public void Half_precision_weights_are_widened_and_log_threshold_is_exponentiated()
    {
        var rng = new Random(9);
        var wEnc = SaeTestData.Gaussian(rng, 24);
        var logTh = SaeTestData.Uniform(rng, 8, -2, 0);
        var t = Tensors(3, 8, threshold: false);
        t[0] = TensorToWrite.BFloat16("W_enc", wEnc, 3, 8);
        var dir = WriteFolder("bf16", """{"architecture": "jumprelu", "d_in": 3, "d_sae": 8}""", [.. t, TensorToWrite.Singles("log_threshold", logTh, 8)]);
        var sae = SaeLensDirectory.Load(dir);
        Assert.Equal(wEnc.Select(v => BitConverter.Int32BitsToSingle(FloatConversion.SingleToBFloat16(v) << 16)).ToArray(), sae.WEnc.ToArray());
        Assert.Equal(logTh.Select(MathF.Exp).ToArray(), sae.Threshold.ToArray());
    }

    [Fact]
    public void Expected_average_only_in_needs_a_factor_and_uses_the_one_given()
    {
        var dir = WriteFolder("norm", """{"architecture": "standard", "d_in": 3, "d_sae": 8, "normalize_activations": "expected_average_only_in"}""",
            Tensors(3, 8, threshold: false));
        var ex = Assert.Throws<TensorFormatException>(() => SaeLensDirectory.Load(dir));
        Assert.Contains("field 'normalize_activations'", ex.Message);
        Assert.Contains("norm scaling factor", ex.Message);
        var sae = SaeLensDirectory.Load(dir, normScalingFactor: 2.5);
        Assert.Equal(2.5, sae.Config.NormScalingFactor);
    }

    [Theory]
    [InlineData("""{"architecture": "gated", "d_in": 3, "d_sae": 8}""", "field 'architecture' 'gated' is not supported")]
    [InlineData("""{"architecture": "standard", "activation_fn": "tanh-relu", "d_in": 3, "d_sae": 8}""", "activation 'tanh-relu' is not supported")]
    [InlineData("""{"architecture": "jumprelu", "d_sae": 8}""", "field 'd_in' is required")]
    [InlineData("""{"architecture": "jumprelu", "d_in": "3", "d_sae": 8}""", "field 'd_in' must be an integer")]
    [InlineData("""{"architecture": "topk", "d_in": 3, "d_sae": 8}""", "k is required for a topk SAE")]
    [InlineData("""{"architecture": "jumprelu", "d_in": 3, "d_sae": 8, "normalize_activations": "layer_norm"}""", "'layer_norm' is not supported")]
    [InlineData("""{"architecture": "jumprelu", "d_in": 3, "d_sae": 8, "apply_b_dec_to_input": 1}""", "field 'apply_b_dec_to_input' must be true or false")]
    [InlineData("""{"architecture": "topk", "k": 2, "d_in": 3, "d_sae": 8, "rescale_acts_by_decoder_norm": true}""", "field 'rescale_acts_by_decoder_norm' true is not supported")]
    [InlineData("""[1, 2]""", "top level is not a JSON object")]
    [InlineData("""{"d_in": 3,""", "not valid JSON")]
    public void Bad_configs_are_refused_naming_the_field(string cfg, string message)
    {
        var ex = Assert.Throws<TensorFormatException>(() => SaeLensDirectory.Load(WriteFolder("bad", cfg, Tensors(3, 8))));
        Assert.Contains(message, ex.Message);
        Assert.EndsWith(SaeLensDirectory.ConfigFileName, ex.FilePath);
    }

    [Fact]
    public void Missing_tensor_is_named()
    {
        var ex = Assert.Throws<TensorFormatException>(() =>
            SaeLensDirectory.Load(WriteFolder("missing", """{"architecture": "jumprelu", "d_in": 3, "d_sae": 8}""", Tensors(3, 8, threshold: false))));
        Assert.Equal("threshold", ex.TensorName);
        Assert.Contains("missing", ex.Message);
    }

    [Fact]
    public void Shape_disagreeing_with_cfg_is_named()
    {
        var ex = Assert.Throws<TensorFormatException>(() =>
            SaeLensDirectory.Load(WriteFolder("shape", """{"architecture": "jumprelu", "d_in": 4, "d_sae": 8}""", Tensors(3, 8))));
        Assert.Equal("W_enc", ex.TensorName);
        Assert.Contains("shape is [3, 8] but cfg.json's d_in = 4, d_sae = 8 make it [4, 8]", ex.Message);
    }

    [Fact]
    public void Nan_weight_is_named()
    {
        var t = Tensors(3, 8);
        var wDec = new float[24];
        wDec[13] = float.NaN;
        t[1] = TensorToWrite.Singles("W_dec", wDec, 8, 3);
        var ex = Assert.Throws<TensorFormatException>(() =>
            SaeLensDirectory.Load(WriteFolder("nan", """{"architecture": "jumprelu", "d_in": 3, "d_sae": 8}""", t)));
        Assert.Equal("W_dec", ex.TensorName);
        Assert.Contains("element 13 (flat index) is NaN", ex.Message);
    }

    [Fact]
    public void Missing_files_are_named()
    {
        Directory.CreateDirectory(Dir("empty"));
        var ex = Assert.Throws<FileNotFoundException>(() => SaeLensDirectory.Load(Dir("empty")));
        Assert.Contains("cfg.json", ex.Message);
    }

    [Fact]
    public void Non_unit_finetuning_scaling_factor_is_refused()
    {
        var dir = WriteFolder("scale", """{"architecture": "standard", "d_in": 3, "d_sae": 8}""",
            [.. Tensors(3, 8, threshold: false), TensorToWrite.Singles("scaling_factor", Enumerable.Repeat(2f, 8).ToArray(), 8)]);
        Assert.Equal("scaling_factor", Assert.Throws<TensorFormatException>(() => SaeLensDirectory.Load(dir)).TensorName);
    }
}
