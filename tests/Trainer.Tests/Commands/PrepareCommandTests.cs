using System.CommandLine;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ProbeMonitor.Datasets;
using ProbeMonitor.TestSupport;
using ProbeMonitor.Trainer.Commands;
using ProbeMonitor.Trainer.Extraction;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>`prepare` turns datasets into the JSONL extract reads; contents are checked against the source files read independently here.</summary>
public sealed class PrepareCommandTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDir("pm-prepare");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Stdout, string Stderr) Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TrainerCli.Build().Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static List<JsonElement> Lines(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Squad_becomes_chat_prompts_labelled_unanswerable_and_extract_reads_them()
    {
        // Two paragraphs, three questions each way.
        string squad = P("squad.json");
        File.WriteAllText(squad, """
        {"version": "v2.0", "data": [{"title": "T", "paragraphs": [
          {"context": "Paris is the capital of France.", "qas": [
            {"id": "a", "question": "What is the capital of France?", "is_impossible": false, "answers": [{"text": "Paris", "answer_start": 0}]},
            {"id": "b", "question": "What is the capital of Spain?", "is_impossible": true, "answers": []},
            {"id": "c", "question": "Which country has Paris as capital?", "is_impossible": false, "answers": [{"text": "France", "answer_start": 24}]}]},
          {"context": "Oslo lies in Norway.", "qas": [
            {"id": "d", "question": "Where is Oslo?", "is_impossible": false, "answers": [{"text": "Norway", "answer_start": 13}]},
            {"id": "e", "question": "Who founded Oslo?", "is_impossible": true, "answers": []},
            {"id": "f", "question": "How old is Oslo?", "is_impossible": true, "answers": []}]}]}]}
        """);
        var (code, stdout, stderr) = Invoke("prepare", "--source", "squad2", "--input", squad, "--template", "question-first", "--out", P("squad.jsonl"));
        Assert.True(code == 0, stderr);
        Assert.Contains("6 examples (3 label 1 = unanswerable)", stdout);
        var lines = Lines(P("squad.jsonl"));
        Assert.Equal([0, 1, 0, 0, 1, 1], lines.Select(l => l.GetProperty("label").GetInt32()));
        string text = lines[1].GetProperty("text").GetString()!;
        Assert.Equal("<start_of_turn>user\nQuestion: What is the capital of Spain?\n\nContext: Paris is the capital of France.\n\n" +
                     "Can the question be answered using only the context above? Answer yes or no.<end_of_turn>\n<start_of_turn>model\n", text);
        Assert.Equal("T", lines[0].GetProperty("group").GetString());

        var examples = ExtractionInputReader.Read(P("squad.jsonl"), null);
        Assert.Equal(text, examples[1].Text);
        Assert.Equal(1L, examples[1].Label);

        // A balanced draw of 4 with a disjoint balanced test pair.
        (code, _, stderr) = Invoke("prepare", "--source", "squad2", "--input", squad, "--count", "4", "--balanced",
            "--test-out", P("test.jsonl"), "--test-count", "2", "--seed", "5", "--out", P("train.jsonl"));
        Assert.True(code == 0, stderr);
        var train = Lines(P("train.jsonl"));
        var test = Lines(P("test.jsonl"));
        Assert.Equal((4, 2), (train.Count, train.Sum(l => l.GetProperty("label").GetInt32())));
        Assert.Equal((2, 1), (test.Count, test.Sum(l => l.GetProperty("label").GetInt32())));
        Assert.Empty(train.Select(l => l.GetProperty("text").GetString()).Intersect(test.Select(l => l.GetProperty("text").GetString())));
    }

    [Fact]
    public void Generated_sets_match_the_generators_for_the_same_seed()
    {
        var (code, _, stderr) = Invoke("prepare", "--source", "equation", "--generate", "40", "--seed", "9", "--out", P("eq.jsonl"));
        Assert.True(code == 0, stderr);
        var expected = EquationGenerator.ToLabeled(new EquationOptions(Count: 40, Seed: 9), PromptTemplates.Default);
        var lines = Lines(P("eq.jsonl"));
        Assert.Equal(expected.Texts(), lines.Select(l => l.GetProperty("text").GetString()));
        Assert.Equal(expected.Labels(), lines.Select(l => l.GetProperty("label").GetInt32()));
        Assert.Equal(20, lines.Count(l => l.GetProperty("label").GetInt32() == 1));

        (code, _, stderr) = Invoke("prepare", "--source", "celebrity", "--generate", "30", "--seed", "2", "--template", "bare", "--out", P("cel.jsonl"));
        Assert.True(code == 0, stderr);
        Assert.Equal(CelebrityGenerator.ToLabeled(30, 2, PromptTemplates.Bare).Texts(), Lines(P("cel.jsonl")).Select(l => l.GetProperty("text").GetString()));
    }

    [Fact]
    public void Sae_probes_polarity_comes_from_the_index()
    {
        string dir = Directory.CreateDirectory(P("sae-probes")).FullName;
        File.WriteAllText(Path.Combine(dir, "index.json"), """[{"name": "1_toy", "rows": 6, "labels": ["no", "yes"], "positive_label": "no"}]""");
        using (var gz = new GZipStream(File.Create(Path.Combine(dir, "1_toy.csv.gz")), CompressionLevel.Fastest))
            gz.Write(Encoding.UTF8.GetBytes("prompt,prompt_len,target\na,1,yes\nb,1,no\n\"c, d\",2,no\ne,1,yes\nf,1,yes\ng,1,no\n"));
        var (code, _, stderr) = Invoke("prepare", "--source", "sae-probes", "--input", dir, "--name", "1_toy", "--out", P("toy.jsonl"));
        Assert.True(code == 0, stderr);
        var lines = Lines(P("toy.jsonl"));
        Assert.Equal(["a", "b", "c, d", "e", "f", "g"], lines.Select(l => l.GetProperty("text").GetString()));
        Assert.Equal([0, 1, 1, 0, 0, 1], lines.Select(l => l.GetProperty("label").GetInt32()));

        var (bad, _, err) = Invoke("prepare", "--source", "sae-probes", "--input", dir, "--name", "2_missing", "--out", P("x.jsonl"));
        Assert.Equal(1, bad);
        Assert.Contains("no dataset named '2_missing'", err);
    }

    [Fact]
    public void Missing_settings_fail_with_one_clear_line()
    {
        string Fail(params string[] args)
        {
            var (code, _, err) = Invoke(["prepare", .. args]);
            Assert.Equal(1, code);
            return err;
        }

        Assert.Contains("needs --input", Fail("--source", "squad2", "--out", P("a.jsonl")));
        Assert.Contains("needs --name", Fail("--source", "sae-probes", "--input", _dir, "--out", P("a.jsonl")));
        Assert.Contains("No prompt template 'nope'", Fail("--source", "equation", "--template", "nope", "--out", P("a.jsonl")));
        Assert.Contains("--test-out and a positive --test-count", Fail("--source", "equation", "--generate", "10", "--test-count", "4", "--out", P("a.jsonl")));
        Assert.Contains("balanced", Fail("--source", "equation", "--generate", "10", "--count", "12", "--balanced", "--out", P("a.jsonl")));
        Assert.False(File.Exists(P("a.jsonl")));
    }

    [SharedDataFact("data/answerability/squad2-dev.json.gz")]
    public void Real_squad_gives_2000_balanced_examples()
    {
        var (code, _, stderr) = Invoke("prepare", "--source", "squad2", "--input", RepoPaths.Shared("data/answerability/squad2-dev.json.gz"),
            "--count", "2000", "--balanced", "--seed", "1", "--out", P("squad.jsonl"));
        Assert.True(code == 0, stderr);
        var lines = Lines(P("squad.jsonl"));
        Assert.Equal((2000, 1000), (lines.Count, lines.Sum(l => l.GetProperty("label").GetInt32())));
        Assert.Equal(2000, lines.Select(l => l.GetProperty("text").GetString()).Distinct().Count());
    }
}
