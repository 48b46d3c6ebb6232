using System.CommandLine;
using System.Text;
using System.Text.Json;
using ProbeMonitor.Trainer.Extraction;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`tokenize`: JSONL texts to JSONL token ids, exactly as `extract` would feed them to the model (BOS included).</summary>
public static class TokenizeCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var tokenizer = new Option<FileInfo>("--tokenizer") { Description = "tokenizer.json, or the directory holding it.", Required = true };
        var chat = new Option<bool>("--chat-template") { Description = "Wrap each text as a Gemma user turn followed by the model-turn prefix." };
        var input = new Option<FileInfo>("--input") { Description = "JSONL with one {\"text\": …} object per line (optional \"label\"), optionally .gz.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Output JSONL: one {\"token_ids\": […]} per input line (\"label\" kept).", Required = true };
        var cmd = new Command("tokenize", "Tokenize JSONL texts with a Gemma tokenizer.json, BOS included as the model sees it.") { tokenizer, chat, input, output };
        cmd.SetAction(parse => CommandErrors.Guard(() =>
        {
            string inputPath = parse.GetValue(input)!.FullName;
            var examples = ExtractionInputReader.ReadJsonl(inputPath);
            var encode = TextEncoder.Create(parse.GetValue(tokenizer)!.FullName, parse.GetValue(chat))!;

            // Written beside the target and moved into place, so a failure half-way never leaves a truncated output.
            string outPath = parse.GetValue(output)!.FullName;
            string temp = outPath + ".tmp-" + Environment.ProcessId;
            long tokens = 0;
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            using (var writer = new Utf8JsonWriter(stream))
            {
                foreach (var example in examples)
                {
                    if (example.Text is null)
                        throw new FormatException($"{inputPath} line {example.Line}: tokenize needs \"text\"; this line already has \"token_ids\".");
                    int[] ids = encode(example.Text);
                    tokens += ids.Length;
                    writer.WriteStartObject();
                    writer.WriteStartArray("token_ids");
                    foreach (int id in ids) writer.WriteNumberValue(id);
                    writer.WriteEndArray();
                    if (example.Label is { } label) writer.WriteNumber("label", label);
                    writer.WriteEndObject();
                    writer.Flush();
                    stream.Write("\n"u8);
                    writer.Reset();
                }
            }
            File.Move(temp, outPath, overwrite: true);
            Console.Error.WriteLine($"tokenize: {examples.Count} lines, {tokens} tokens → {outPath}");
            return 0;
        }));
        return cmd;
    }
}
