using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>Text inputs through the real Gemma tokenizer give the activations of the ids an independent tokenizer (transformers.js) produced.</summary>
[Collection(CliRunner.Collection)]
public sealed class ExtractTextInputTests
{
    private const string Tokenizer = "models/gemma2-tokenizer/tokenizer.json";

    // From ../shared/models/gemma2-tokenizer/golden.json (transformers.js).
    private static readonly int[] HelloIds = [2, 4521, 2134, 235265, 714, 6037, 576, 6081, 603, 7127, 235265];
    private static readonly int[] ChatIds = [2, 106, 1645, 108, 2437, 736, 3448, 887, 235336, 107, 108, 106, 2516, 108];

    [SharedDataFact(Tokenizer)]
    public void Text_and_chat_template_inputs_match_golden_token_ids()
    {
        string dir = RepoPaths.NewTempDir("pm-extract-text");
        try
        {
            File.WriteAllText(Path.Combine(dir, "cfg.json"), """
            { "architectures": ["Gemma2ForCausalLM"], "vocab_size": 256000, "hidden_size": 16, "intermediate_size": 32,
              "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 8,
              "query_pre_attn_scalar": 8, "sliding_window": 4, "max_position_embeddings": 64, "initializer_range": 0.2 }
            """);
            string model = Path.Combine(dir, "model");
            Assert.Equal(0, CliRunner.Run("init-model", "--config", Path.Combine(dir, "cfg.json"), "--seed", "1", "--dtype", "bf16", "--out", model).ExitCode);

            float[] Extract(string name, string line, params string[] extra)
            {
                string input = Path.Combine(dir, name + ".jsonl"), output = Path.Combine(dir, name + ".safetensors");
                File.WriteAllText(input, line + "\n");
                var (code, err) = CliRunner.Run(["extract", "--model", model, "--input", input, "--layers", "0", "--pooling", "none", "--out", output, .. extra]);
                Assert.True(code == 0, err);
                using var file = SafetensorsFile.Open(output);
                return file.ReadSingles("blocks.0.hook_resid_post");
            }

            string tokenizer = RepoPaths.Shared(Tokenizer);
            Assert.Equal(Extract("hello-ids", $"{{\"token_ids\": [{string.Join(",", HelloIds)}]}}"),
                Extract("hello-text", "{\"text\": \"Hello world. The capital of France is Paris.\"}", "--tokenizer", tokenizer));
            Assert.Equal(Extract("chat-ids", $"{{\"token_ids\": [{string.Join(",", ChatIds)}]}}"),
                Extract("chat-text", "{\"text\": \"Is this answerable?\"}", "--tokenizer", tokenizer, "--chat-template"));

            // A sae-probes CSV: quoted prompts, the explicit positive label becomes 1.
            string csv = Path.Combine(dir, "probe.csv"), csvOut = Path.Combine(dir, "probe.safetensors");
            File.WriteAllText(csv, "prompt,prompt_len,target\n\"Hello world. The capital of France is Paris.\",11,yes\n\"Is this, answerable?\",6,no\n");
            var (csvCode, csvErr) = CliRunner.Run("extract", "--model", model, "--input", csv, "--layers", "0", "--pooling", "none",
                "--tokenizer", tokenizer, "--positive-label", "yes", "--out", csvOut);
            Assert.True(csvCode == 0, csvErr);
            using var probe = SafetensorsFile.Open(csvOut);
            Assert.Equal([1L, 0L], probe.ReadInt64("labels"));
            Assert.Equal(HelloIds.Length, probe.ReadInt64("lengths")[0]);
            var rows = probe.ReadSingles("blocks.0.hook_resid_post");
            var hello = Extract("hello-again", $"{{\"token_ids\": [{string.Join(",", HelloIds)}]}}");
            // Same rows as alone, up to GEMM rounding for a different batch size.
            double scale = hello.Max(Math.Abs);
            for (int i = 0; i < hello.Length; i++) Assert.True(Math.Abs(hello[i] - rows[i]) <= 1e-5 * scale, $"element {i}: {rows[i]} vs {hello[i]}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
