using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Model;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

[Collection(CliRunner.Collection)]
public sealed class InitModelCommandTests
{
    internal const string TinyConfig = """
    { "architectures": ["Gemma2ForCausalLM"], "vocab_size": 50, "hidden_size": 32, "intermediate_size": 48,
      "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8,
      "query_pre_attn_scalar": 8, "sliding_window": 4, "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0,
      "max_position_embeddings": 16, "initializer_range": 0.2 }
    """;

    [Fact]
    public void Same_seed_same_bytes_and_the_checkpoint_loads_in_HF_layout()
    {
        var dir = RepoPaths.NewTempDir("pm-init");
        try
        {
            File.WriteAllText(Path.Combine(dir, "cfg.json"), TinyConfig);
            string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b"), c = Path.Combine(dir, "c");
            Assert.Equal(0, CliRunner.Run("init-model", "--config", Path.Combine(dir, "cfg.json"), "--seed", "5", "--dtype", "bf16", "--out", a).ExitCode);
            Assert.Equal(0, CliRunner.Run("init-model", "--config", Path.Combine(dir, "cfg.json"), "--seed", "5", "--dtype", "bf16", "--out", b).ExitCode);
            Assert.Equal(0, CliRunner.Run("init-model", "--config", Path.Combine(dir, "cfg.json"), "--seed", "6", "--out", c).ExitCode);
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, "model.safetensors")), File.ReadAllBytes(Path.Combine(b, "model.safetensors")));

            using (var file = SafetensorsFile.Open(Path.Combine(a, "model.safetensors")))
            {
                Assert.Equal(1 + 3 * 11 + 1, file.Tensors.Count);
                Assert.Equal(DType.BF16, file.GetInfo("model.layers.2.mlp.down_proj.weight").DType);
                Assert.Equal([32L, 48L], file.GetInfo("model.layers.2.mlp.down_proj.weight").Shape);
                // Norm weights are random too, so (1 + w) is not the identity.
                Assert.Contains(file.ReadSingles("model.layers.0.input_layernorm.weight"), w => Math.Abs(w) > 0.05f);
            }
            using (var file = SafetensorsFile.Open(Path.Combine(c, "model.safetensors")))
                Assert.Equal(DType.F32, file.GetInfo("model.embed_tokens.weight").DType);
            using var model = GemmaModel.Load(a);
            Assert.Equal(3, model.LoadedLayers);
            Assert.Equal(4, model.Config.SlidingWindow);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_bad_config_is_reported_on_stderr_with_exit_code_1()
    {
        var dir = RepoPaths.NewTempDir("pm-init");
        try
        {
            File.WriteAllText(Path.Combine(dir, "cfg.json"), TinyConfig.Replace("\"hidden_size\": 32,", ""));
            var (code, err) = CliRunner.Run("init-model", "--config", Path.Combine(dir, "cfg.json"), "--seed", "1", "--out", Path.Combine(dir, "m"));
            Assert.Equal(1, code);
            Assert.Contains("'hidden_size' is missing", err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
