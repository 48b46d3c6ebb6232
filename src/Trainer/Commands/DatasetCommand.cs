using System.CommandLine;
using System.Text.Json;
using ProbeMonitor.Datasets;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`dataset`: a known dataset (SQuAD 2.0, BoolQ, HateCheck, Davidson) as the JSONL `extract` reads, through the project's loaders and prompt templates.</summary>
public static class DatasetCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var kind = new Option<string>("--kind") { Description = "squad2 or boolq (answerability, label 1 = unanswerable); hatecheck or davidson (toxicity, label 1 = hateful / hate-or-offensive).", Required = true };
        kind.AcceptOnlyFromAmong("squad2", "boolq", "hatecheck", "davidson");
        var input = new Option<FileInfo>("--input") { Description = "The dataset file (as in ../shared/data, optionally .gz).", Required = true };
        var template = new Option<string>("--template") { Description = "Answerability prompt template: " + string.Join(", ", PromptTemplates.SquadVariants.Select(t => t.Name)) + ".", DefaultValueFactory = _ => PromptTemplates.Default.Name };
        var chat = new Option<bool>("--chat-template") { Description = "Toxicity only: write each text as a Gemma user turn (answerability prompts always are)." };
        var max = new Option<int?>("--balanced") { Description = "Keep a class-balanced sample of this many examples (half per label)." };
        var seed = new Option<int>("--seed") { Description = "Seeds the balanced sample and BoolQ's question/passage pairing.", DefaultValueFactory = _ => 0 };
        var output = new Option<FileInfo>("--out") { Description = "Output JSONL: {\"text\", \"label\", \"group\"} per line, text ready for `extract` without --chat-template.", Required = true };
        var cmd = new Command("dataset", "Write a known dataset as extract-ready JSONL (prompt templates and chat format applied).")
        {
            kind, input, template, chat, max, seed, output,
        };
        cmd.SetAction(parse => CommandErrors.Guard(() =>
        {
            string path = parse.GetValue(input)!.FullName, which = parse.GetValue(kind)!;
            bool answerability = which is "squad2" or "boolq";
            if (answerability && parse.GetValue(chat))
                throw new ArgumentException("--chat-template is for toxicity sets: answerability prompts are already in Gemma's chat format.");
            var prompt = PromptTemplates.Named(parse.GetValue(template)!);
            var data = which switch
            {
                "squad2" => SquadLoader.Load(path).ToLabeled(prompt),
                "boolq" => BoolQAnswerability.ToLabeled(BoolQLoader.Load(path), prompt, parse.GetValue(seed)),
                "hatecheck" => HateCheckLoader.Load(path),
                _ => DavidsonLoader.Load(path),
            };
            if (parse.GetValue(max) is { } n) data = BalancedSample.Take(data, n, parse.GetValue(seed));
            bool wrap = parse.GetValue(chat);

            string outPath = parse.GetValue(output)!.FullName;
            string temp = outPath + ".tmp-" + Environment.ProcessId;
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            using (var writer = new Utf8JsonWriter(stream))
            {
                foreach (var e in data.Examples)
                {
                    writer.WriteStartObject();
                    writer.WriteString("text", wrap ? GemmaChatTemplate.UserTurn(e.Text) : e.Text);
                    writer.WriteNumber("label", e.Label);
                    if (e.Group is not null) writer.WriteString("group", e.Group);
                    writer.WriteEndObject();
                    writer.Flush();
                    stream.Write("\n"u8);
                    writer.Reset();
                }
            }
            File.Move(temp, outPath, overwrite: true);
            foreach (var s in data.Sources) Console.Error.WriteLine($"dataset: read {s.Path} (sha256 {s.Sha256})");
            Console.Error.WriteLine($"dataset: {data.Name}: {data.Count} examples ({data.Positives} label 1 = {data.PositiveMeaning}) → {outPath}");
            Console.Error.WriteLine($"dataset: {data.Description}");
            return 0;
        }));
        return cmd;
    }
}
