using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Trainer.Commands;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>
/// The richer smoke variant over shared data: the real Gemma tokenizer, SQuAD 2.0 made into chat prompts by `prepare`,
/// Equation and Celebrity generated as out-of-domain sets, a random Gemma-2 checkpoint with the real vocabulary.
/// </summary>
[Collection(CliRunner.Collection)]
public sealed class RandomCheckpointTextSmokeTests
{
    private const string Tokenizer = "models/gemma2-tokenizer/tokenizer.json";
    private const string Squad = "data/answerability/squad2-dev.json.gz";
    private const string Key = "blocks.1.hook_resid_post";

    private const string Config = """
    { "architectures": ["Gemma2ForCausalLM"], "vocab_size": 256000, "hidden_size": 32, "intermediate_size": 64,
      "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8,
      "query_pre_attn_scalar": 8, "sliding_window": 64, "max_position_embeddings": 1024, "initializer_range": 0.2 }
    """;

    private static (int Code, string Stdout, string Stderr) Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TrainerCli.Build().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static void Cli(params string[] args)
    {
        var (code, stderr) = CliRunner.Run(args);
        Assert.True(code == 0, $"{args[0]} failed: {stderr}");
    }

    [SharedDataFact(Tokenizer, Squad)]
    public void Squad_prompts_through_the_real_tokenizer_give_answerability_and_planted_word_reports()
    {
        string dir = RepoPaths.NewTempDir("pm-smoke-text");
        try
        {
            string P(string name) => Path.Combine(dir, name);
            File.WriteAllText(P("config.json"), Config);
            Cli("init-model", "--config", P("config.json"), "--seed", "4", "--dtype", "bf16", "--out", P("model"));
            string tokenizer = RepoPaths.Shared(Tokenizer);

            Assert.Equal(0, Invoke("prepare", "--source", "squad2", "--input", RepoPaths.Shared(Squad), "--count", "120", "--balanced", "--seed", "1",
                "--out", P("squad.jsonl")).Code);
            Assert.Equal(0, Invoke("prepare", "--source", "equation", "--generate", "60", "--seed", "2", "--out", P("equation.jsonl")).Code);
            Assert.Equal(0, Invoke("prepare", "--source", "celebrity", "--generate", "60", "--seed", "3", "--template", "answer-or-abstain",
                "--out", P("celebrity.jsonl")).Code);
            foreach (var name in new[] { "squad", "equation", "celebrity" })
                Cli("extract", "--model", P("model"), "--tokenizer", tokenizer, "--input", P(name + ".jsonl"), "--layers", "1", "--pooling", "none",
                    "--batch-size", "16", "--out", P(name + ".safetensors"));
            Cli("train-sae", "--acts", P("squad.safetensors"), "--key", Key, "--arch", "topk", "--width", "64", "--k", "4", "--steps", "100",
                "--batch", "256", "--lr", "0.003", "--out", P("sae"));

            var (code, _, stderr) = Invoke("evaluate", "answerability", "--acts", P("squad.safetensors"), "--sae", P("sae"), "--top-k", "8",
                "--ood", $"equation={P("equation.safetensors")}", "--ood", $"celebrity={P("celebrity.safetensors")}", "--out", P("ans"));
            Assert.True(code == 0, stderr);
            using (var doc = JsonDocument.Parse(File.ReadAllText(P("ans/results.json"))))
            {
                var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToArray();
                Assert.Equal(["celebrity", "equation", "squad (test)"], rows.Select(r => r.GetProperty("dataset").GetString()).Distinct().Order());
                Assert.All(rows.Where(r => r.GetProperty("dataset").GetString() != "squad (test)"),
                    r => Assert.InRange(r.GetProperty("test_auc").GetDouble(), 0, 1));
            }
            string report = File.ReadAllText(P("ans/report.md"));
            Assert.Contains("equation", report);
            Assert.NotEmpty(Directory.GetFiles(P("ans"), "*.svg"));

            // A planted word in free text: the review's last word decides the label, whatever the tokenizer makes of the rest.
            var rng = new Random(7);
            string[] filler = ["the", "film", "was", "long", "and", "the", "actors", "spoke", "slowly", "about", "rivers", "cities", "music"];
            File.WriteAllLines(P("planted.jsonl"), Enumerable.Range(0, 160).Select(i =>
            {
                var words = Enumerable.Range(0, rng.Next(4, 12)).Select(_ => filler[rng.Next(filler.Length)]);
                return JsonSerializer.Serialize(new { text = $"Review: {string.Join(' ', words)}. Verdict: {(i % 2 == 1 ? "wonderful" : "dreadful")}", label = i % 2 });
            }));
            // No chat template: it would end every prompt with the same model-turn tokens, and a random model's last token
            // barely sees the word before them (max pooling: AUC ≈ 0.76); as the last token, the word is read directly.
            Cli("extract", "--model", P("model"), "--tokenizer", tokenizer, "--input", P("planted.jsonl"), "--layers", "1",
                "--pooling", "none", "--out", P("planted.safetensors"));
            (code, _, stderr) = Invoke("evaluate", "answerability", "--acts", P("planted.safetensors"), "--sae", P("sae"),
                "--top-k", "8", "--out", P("planted"));
            Assert.True(code == 0, stderr);
            using var planted = JsonDocument.Parse(File.ReadAllText(P("planted/results.json")));
            double auc = planted.RootElement.GetProperty("rows").EnumerateArray()
                .Single(r => r.GetProperty("method").GetString() == "linear_probe").GetProperty("test_auc").GetDouble();
            Assert.True(auc > 0.9, string.Create(CultureInfo.InvariantCulture, $"linear probe on the planted word: test AUC {auc}"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
