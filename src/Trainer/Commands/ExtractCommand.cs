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
        var input = new Option<FileInfo>("--input") { Description = "JSONL ({\"text\"|\"token_ids\", \"label\"?}) or sae-probes CSV (prompt,target), optionally .gz.", Required = true };
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
        var output = new Option<FileInfo>("--out") { Description = "Output .safetensors file.", Required = true };
        var cmd = new Command("extract", "Extract residual-stream activations from a Gemma-2 checkpoint.")
        {
            model, input, layers, pooling, chat, batchSize, maxTokens, truncate, tokenizer, positive, textColumn, labelColumn, output,
        };
        cmd.SetAction(parse => CommandErrors.Guard(() =>
        {
            var layerList = ParseLayers(parse.GetValue(layers)!);
            string inputPath = parse.GetValue(input)!.FullName;
            var examples = ExtractionInputReader.Read(inputPath, parse.GetValue(positive), parse.GetValue(textColumn)!, parse.GetValue(labelColumn)!);
            Func<string, int[]>? encode = TextEncoder.Create(parse.GetValue(tokenizer)?.FullName, parse.GetValue(chat));

            string modelDir = parse.GetValue(model)!.FullName;
            using var gemma = GemmaModel.Load(modelDir, maxLayer: layerList.Max());
            var options = new ExtractionOptions(layerList, PoolingExtensions.Parse(parse.GetValue(pooling)!), parse.GetValue(batchSize),
                parse.GetValue(maxTokens) ?? gemma.Config.MaxPositionEmbeddings, parse.GetValue(truncate));
            var metadata = new Dictionary<string, string>
            {
                ["model"] = modelDir,
                ["input"] = inputPath,
                ["chat_template"] = parse.GetValue(chat) ? "true" : "false",
            };
            string outPath = parse.GetValue(output)!.FullName;
            int count = ActivationExtractor.Run(gemma, examples, encode, options, outPath, Console.Error, metadata);
            Console.Error.WriteLine($"extract: wrote {count} sequences × layers {string.Join(",", layerList)} to {outPath}");
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
