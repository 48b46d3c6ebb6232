using System.CommandLine;
using System.Globalization;
using ProbeMonitor.Datasets;
using ProbeMonitor.Trainer.Preparation;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>
/// `prepare`: turns a dataset (SQuAD 2.0, BoolQ, the Equation and Celebrity generators, sae-probes, HateCheck, Davidson,
/// generic JSONL/CSV) into the labelled JSONL `extract` reads, optionally subsampled and split into train and test.
/// </summary>
public static class PrepareCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = $"One of: {string.Join(", ", DatasetSource.Kinds)}.", Required = true };
        source.AcceptOnlyFromAmong([.. DatasetSource.Kinds]);
        var input = new Option<string?>("--input") { Description = "The data file (.json/.jsonl/.csv, optionally .gz); for sae-probes the folder holding index.json." };
        var name = new Option<string?>("--name") { Description = "sae-probes dataset name, e.g. 95_toxic_is." };
        var template = new Option<string>("--template")
        {
            Description = $"Answerability prompt template: {string.Join(", ", PromptTemplates.SquadVariants.Select(t => t.Name))}.",
            DefaultValueFactory = _ => PromptTemplates.Default.Name,
        };
        var generate = new Option<int>("--generate") { Description = "Items the equation/celebrity generators make.", DefaultValueFactory = _ => 1000 };
        var positive = new Option<string?>("--positive-label") { Description = "sae-probes-ood: the target that is class 1 when the parent's polarity does not apply." };
        var count = new Option<int?>("--count") { Description = "Keep this many examples (the training part when --test-out is given); default all." };
        var balanced = new Option<bool>("--balanced") { Description = "Equal classes in every part drawn (error if a class runs short)." };
        var testOut = new Option<string?>("--test-out") { Description = "Also write a disjoint test part here (drawn first)." };
        var testCount = new Option<int>("--test-count") { Description = "Size of the test part.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the generators, BoolQ pairing and the draws.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Output JSONL ({\"text\", \"label\", \"group\"?} per line).", Required = true };
        var cmd = new Command("prepare", "Write a dataset as labelled JSONL for extract (answerability sets as Gemma chat prompts; label 1 = the dataset's positive class).")
        {
            source, input, name, template, generate, positive, count, balanced, testOut, testCount, seed, output,
        };
        cmd.SetAction(parse => CommandErrors.Guard(parse.InvocationConfiguration.Error, () =>
        {
            int s = parse.GetValue(seed);
            var request = new DatasetRequest(parse.GetValue(source)!, parse.GetValue(input), parse.GetValue(name), parse.GetValue(template)!,
                parse.GetValue(generate), parse.GetValue(positive), s);
            var data = DatasetSource.Build(request);
            if (data.Count == 0) throw new ArgumentException($"dataset '{data.Name}' has no examples.");
            var stdout = parse.InvocationConfiguration.Output;
            stdout.WriteLine($"{data.Name}: {data.Count} examples ({data.Positives} label 1 = {data.PositiveMeaning}). {data.Description}");

            string? testPath = parse.GetValue(testOut);
            int tests = parse.GetValue(testCount);
            if ((testPath is null) != (tests == 0))
                throw new ArgumentException("--test-out and a positive --test-count go together.");
            var split = testPath is null
                ? new DatasetSampling.Split(DatasetSampling.Sample(data, parse.GetValue(count), parse.GetValue(balanced), s), data with { Examples = [] })
                : DatasetSampling.TrainTest(data, parse.GetValue(count), tests, parse.GetValue(balanced), s);
            Write(split.Train, parse.GetValue(output)!, stdout);
            if (testPath is not null) Write(split.Test, testPath, stdout);
            return 0;
        }));
        return cmd;
    }

    private static void Write(LabeledDataset part, string path, TextWriter stdout)
    {
        if (part.Count == 0) throw new ArgumentException($"nothing to write to {path}: the part drawn is empty.");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        LabeledTextFile.WriteJsonl(part, path);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {part.Count} examples ({part.Positives} label 1) to {path}"));
    }
}
