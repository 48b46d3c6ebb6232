using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>The committed embedded-default tokenizer is exactly what the command in its PROVENANCE.md produces from ../shared.</summary>
[Collection(CliRunner.Collection)]
public sealed class EmbeddedTokenizerReproductionTests
{
    private const string Squad = "data/answerability/squad2-dev.json.gz";
    private const string HateCheck = "data/toxicity/hatecheck-en.csv.gz";
    private const string BoolQ = "data/answerability/boolq-dev.jsonl.gz";

    [SharedDataFact(Squad, HateCheck, BoolQ)]
    public void Retraining_from_the_recorded_inputs_gives_the_committed_bytes()
    {
        string committed = Path.Combine(RepoPaths.Root, "src", "Monitor", "EmbeddedDefault", "tokenizer.json");
        string dir = RepoPaths.NewTempDir("pm-embedded-tok");
        try
        {
            string output = Path.Combine(dir, "tokenizer.json");
            var (code, err) = CliRunner.Run("train-tokenizer", "--input", RepoPaths.Shared(Squad), RepoPaths.Shared(HateCheck), RepoPaths.Shared(BoolQ),
                "--text-field", "test_case", "passage", "question", "--vocab-size", "8192", "--out", output);
            Assert.True(code == 0, err);
            Assert.Equal(File.ReadAllBytes(committed), File.ReadAllBytes(output));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
