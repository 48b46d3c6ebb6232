using System.Text.Json;
using ProbeMonitor.Datasets;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>`dataset` writes the loaders' prompts and labels as extract-ready JSONL.</summary>
[Collection(CliRunner.Collection)]
public sealed class DatasetCommandTests
{
    private const string Squad = "data/answerability/squad2-dev.json.gz";
    private const string HateCheck = "data/toxicity/hatecheck-en.csv.gz";

    [SharedDataFact(Squad)]
    public void Squad_lines_are_the_default_template_prompts_with_unanswerable_as_label_1()
    {
        string dir = RepoPaths.NewTempDir("pm-dataset");
        try
        {
            string output = Path.Combine(dir, "squad.jsonl");
            var (code, err) = CliRunner.Run("dataset", "--kind", "squad2", "--input", RepoPaths.Shared(Squad), "--balanced", "40", "--seed", "1", "--out", output);
            Assert.True(code == 0, err);
            var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(40, lines.Length);
            Assert.Equal(20, lines.Count(l => l.GetProperty("label").GetInt32() == 1));

            // Independent check: every line is some SQuAD question rendered through the default template, with its label.
            var expected = SquadLoader.Load(RepoPaths.Shared(Squad)).Questions
                .Select(q => (PromptTemplates.Default.Render(q.ToAnswerabilityItem()), q.IsImpossible ? 1 : 0)).ToHashSet();
            Assert.All(lines, l => Assert.Contains((l.GetProperty("text").GetString()!, l.GetProperty("label").GetInt32()), expected));
            Assert.All(lines, l => Assert.StartsWith("<start_of_turn>user\nContext: ", l.GetProperty("text").GetString()));

            (code, err) = CliRunner.Run("dataset", "--kind", "squad2", "--input", RepoPaths.Shared(Squad), "--chat-template", "--out", output);
            Assert.Equal(1, code);
            Assert.Contains("already in Gemma's chat format", err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SharedDataFact(HateCheck)]
    public void HateCheck_cases_are_wrapped_as_user_turns_on_request()
    {
        string dir = RepoPaths.NewTempDir("pm-dataset-hc");
        try
        {
            string output = Path.Combine(dir, "hc.jsonl");
            var (code, err) = CliRunner.Run("dataset", "--kind", "hatecheck", "--input", RepoPaths.Shared(HateCheck), "--chat-template", "--out", output);
            Assert.True(code == 0, err);
            var data = HateCheckLoader.Load(RepoPaths.Shared(HateCheck));
            var lines = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
            Assert.Equal(data.Count, lines.Length);
            for (int i = 0; i < lines.Length; i += 97)
            {
                Assert.Equal($"<start_of_turn>user\n{data.Examples[i].Text.Trim()}<end_of_turn>\n<start_of_turn>model\n", lines[i].GetProperty("text").GetString());
                Assert.Equal(data.Examples[i].Label, lines[i].GetProperty("label").GetInt32());
                Assert.Equal(data.Examples[i].Group, lines[i].GetProperty("group").GetString());
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
