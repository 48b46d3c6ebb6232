using System.CommandLine;
using ProbeMonitor.Model;
using ProbeMonitor.Trainer.Extraction;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`extract`: residual-stream activations (blocks.L.hook_resid_post) of a Gemma-2 checkpoint for JSONL or sae-probes CSV inputs.</summary>
public static class ExtractCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face Gemma-2 checkpoint directory.", Required = true };
        var input = new Option<FileInfo[]>("--input")
        {
            Description = "JSONL ({\"text\"|\"token_ids\", \"label\"?}) or sae-probes CSV (prompt,target), optionally .gz; repeat with --out to extract several files with one model load.",
            Required = true,
        };
        var layers = new Option<string>("--layers") { Description = "Comma-separated layer indices, e.g. 12 or 6,12,20.", Required = true };
        var pooling = new Option<string>("--pooling") { Description = "last, mean, max or none (none writes [N, T_max, d] zero-padded plus lengths).", DefaultValueFactory = _ => "last" };
        pooling.AcceptOnlyFromAmong("last", "mean", "max", "none");
        var chat = new Option<bool>("--chat-template") { Description = "Wrap each text as a Gemma user turn followed by the model-turn prefix." };
        var batchSize = new Option<int>("--batch-size") { Description = "Sequences per forward pass.", DefaultValueFactory = _ => 8 };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Longest sequence allowed (default and ceiling: max_position_embeddings)." };
        var truncate = new Option<bool>("--truncate") { Description = "Cut sequences longer than --max-tokens instead of failing." };
        var tokenizer = new Option<FileInfo?>("--tokenizer") { Description = "tokenizer.json (or its directory) for text inputs." };
        var positive = new Option<string?>("--positive-label") { Description = "Label value that is class 1 (required for CSV; maps JSONL labels too)." };
        var textColumn = new Option<string>("--text-column") { Description = "CSV text column.", DefaultValueFactory = _ => "prompt" };
        var labelColumn = new Option<string>("--label-column") { Description = "CSV label column.", DefaultValueFactory = _ => "target" };
        var output = new Option<FileInfo[]>("--out") { Description = "Output .safetensors file, one per --input, in the same order.", Required = true };
        var cmd = new Command("extract", "Extract residual-stream activations from a Gemma-2 checkpoint.")
        {
            model, input, layers, pooling, chat, batchSize, maxTokens, truncate, tokenizer, positive, textColumn, labelColumn, output,
        };
        cmd.SetAction(parse => CommandErrors.Guard(() =>
        {
            var layerList = ParseLayers(parse.GetValue(layers)!);
            var inputs = parse.GetValue(input)!;
            var outputs = parse.GetValue(output)!;
            if (inputs.Length != outputs.Length)
                throw new ArgumentException($"{inputs.Length} --input file(s) but {outputs.Length} --out file(s); give one --out per --input, in the same order.");
            var outNames = outputs.Select(o => o.FullName).ToArray();
            if (outNames.Distinct().Count() != outNames.Length) throw new ArgumentException("two --out paths are the same file.");
            // Every input is read and checked before the model loads, so a bad later file fails before any work.
            var allExamples = inputs.Select(i => ExtractionInputReader.Read(i.FullName, parse.GetValue(positive), parse.GetValue(textColumn)!, parse.GetValue(labelColumn)!)).ToArray();
            Func<string, int[]>? encode = TextEncoder.Create(parse.GetValue(tokenizer)?.FullName, parse.GetValue(chat));

            string modelDir = parse.GetValue(model)!.FullName;
            using var gemma = GemmaModel.Load(modelDir, maxLayer: layerList.Max());
            var options = new ExtractionOptions(layerList, PoolingExtensions.Parse(parse.GetValue(pooling)!), parse.GetValue(batchSize),
                parse.GetValue(maxTokens) ?? gemma.Config.MaxPositionEmbeddings, parse.GetValue(truncate));
            for (int f = 0; f < inputs.Length; f++)
            {
                var metadata = new Dictionary<string, string>
                {
                    ["model"] = modelDir,
                    ["input"] = inputs[f].FullName,
                    ["chat_template"] = parse.GetValue(chat) ? "true" : "false",
                };
                int count = ActivationExtractor.Run(gemma, allExamples[f], encode, options, outNames[f], Console.Error, metadata);
                Console.Error.WriteLine($"extract: wrote {count} sequences × layers {string.Join(",", layerList)} to {outNames[f]}");
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>Parses "L[,L…]" into distinct non-negative layer indices.</summary>
    public static int[] ParseLayers(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new ArgumentException("--layers is empty; give e.g. 12 or 6,12,20.");
        return parts.Select(p => int.TryParse(p, out int l) && l >= 0 ? l : throw new ArgumentException($"--layers: '{p}' is not a layer index."))
            .Distinct().Order().ToArray();
    }
}
