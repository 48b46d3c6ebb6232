using System.Text.Json;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Tokenization;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>`train-tokenizer` reads JSONL, CSV and .txt inputs, writes a tokenizer GemmaTokenizer loads, and reports bad input in one line.</summary>
[Collection(CliRunner.Collection)]
public sealed class TrainTokenizerCommandTests
{
    private static readonly string[] Sentences =
        Enumerable.Range(0, 300).Select(i => $"The {(i % 3 == 0 ? "river" : "museum")} number {i} was {(i % 2 == 0 ? "opened" : "closed")} again.").ToArray();

    [Fact]
    public void Jsonl_csv_and_txt_inputs_train_a_loadable_tokenizer_of_the_exact_size()
    {
        string dir = RepoPaths.NewTempDir("pm-train-tok");
        try
        {
            string jsonl = Path.Combine(dir, "a.jsonl"), csv = Path.Combine(dir, "b.csv"), txt = Path.Combine(dir, "c.txt"), output = Path.Combine(dir, "tok.json");
            File.WriteAllLines(jsonl, Sentences[..100].Select(s => JsonSerializer.Serialize(new { text = s, label = 1 })));
            File.WriteAllLines(csv, ["prompt,target", .. Sentences[100..200].Select(s => $"\"{s}\",0")]);
            File.WriteAllLines(txt, Sentences[200..]);
            var (code, err) = CliRunner.Run("train-tokenizer", "--input", jsonl, csv, txt, "--vocab-size", "400", "--out", output);
            Assert.True(code == 0, err);
            Assert.Contains("read 100 texts", err);
            var tokenizer = GemmaTokenizer.Load(output);
            Assert.Equal(400, tokenizer.VocabSize);
            Assert.Equal("The river number 7 was opened again.", tokenizer.Decode(tokenizer.Encode("The river number 7 was opened again.", addBos: false)));
            Assert.NotNull(tokenizer.TokenToId("▁river"));

            // --max-chars keeps a prefix of the corpus: fewer texts read, a different file.
            string small = Path.Combine(dir, "small.json");
            (code, err) = CliRunner.Run("train-tokenizer", "--input", jsonl, csv, txt, "--vocab-size", "400", "--max-chars", "500", "--out", small);
            Assert.Equal(0, code);
            Assert.Contains("read 0 texts", err);
            Assert.NotEqual(File.ReadAllBytes(output), File.ReadAllBytes(small));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Bad_input_gives_one_error_line_and_no_file()
    {
        string dir = RepoPaths.NewTempDir("pm-train-tok-bad");
        try
        {
            string txt = Path.Combine(dir, "c.txt"), output = Path.Combine(dir, "tok.json");
            File.WriteAllLines(txt, Sentences);
            var (code, err) = CliRunner.Run("train-tokenizer", "--input", txt, "--vocab-size", "100", "--out", output);
            Assert.Equal(1, code);
            Assert.Contains("vocab size 100 is too small", err);

            File.WriteAllText(txt, "\n\n");
            (code, err) = CliRunner.Run("train-tokenizer", "--input", txt, "--vocab-size", "1000", "--out", output);
            Assert.Equal(1, code);
            Assert.Contains("corpus is empty", err);

            string jsonl = Path.Combine(dir, "a.jsonl");
            File.WriteAllText(jsonl, "{\"prompt\": \"x\"}\n");
            (code, err) = CliRunner.Run("train-tokenizer", "--input", jsonl, "--vocab-size", "1000", "--out", output);
            Assert.Equal(1, code);
            Assert.Contains("no line has a string field named 'text'", err);
            Assert.False(File.Exists(output));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Help_describes_the_options()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, ProbeMonitor.Trainer.Commands.TrainerCli.Build().Parse(["train-tokenizer", "--help"]).Invoke());
        }
        finally
        {
            Console.SetOut(original);
        }
        foreach (var option in new[] { "--input", "--vocab-size", "--out", "--max-chars", "--text-field" })
            Assert.Contains(option, output.ToString());
    }
}
