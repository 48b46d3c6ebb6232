using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using ProbeMonitor.Tokenization;
using ProbeMonitor.Tokenization.Training;
using ProbeMonitor.Trainer.Corpus;

namespace ProbeMonitor.Trainer.Commands;

/// <summary>`train-tokenizer`: a byte-fallback BPE tokenizer.json in Gemma's shape, learned from text files; same input, same bytes.</summary>
public static class TrainTokenizerCommand
{
    /// <summary>Creates the verb.</summary>
    public static Command Create()
    {
        var input = new Option<FileInfo[]>("--input")
        {
            Description = "Text files (repeatable): JSONL, CSV (e.g. sae-probes, column 'prompt'), .txt (one text per line) or SQuAD .json; optionally .gz.",
            Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var vocab = new Option<int>("--vocab-size") { Description = $"Exact number of ids, at least {GemmaTokenLayout.MinimumVocabSize} (added tokens + 256 bytes).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The tokenizer.json to write.", Required = true };
        var maxChars = new Option<long>("--max-chars") { Description = "Use texts in input order until this many chars have been read.", DefaultValueFactory = _ => long.MaxValue };
        var fields = new Option<string[]>("--text-field")
        {
            Description = "JSONL field or CSV column holding text (repeatable; every one present is used). Default: text (JSONL), prompt (CSV).",
            AllowMultipleArgumentsPerToken = true,
        };
        var coverage = new Option<double>("--character-coverage") { Description = "Share of character occurrences given their own token; rarer ones use byte fallback.", DefaultValueFactory = _ => 0.9995 };
        var minPair = new Option<long>("--min-pair-count") { Description = "Pairs seen fewer times are never merged (the rest is filled with <unusedN>).", DefaultValueFactory = _ => 2 };
        var cmd = new Command("train-tokenizer", "Train a byte-fallback BPE tokenizer (Hugging Face tokenizer.json, Gemma's layout and chat tokens) on text files.")
        {
            input, vocab, output, maxChars, fields, coverage, minPair,
        };
        cmd.SetAction(parse => CommandErrors.Guard(() =>
        {
            var options = new BpeTrainingOptions(parse.GetValue(vocab), parse.GetValue(coverage), parse.GetValue(minPair));
            options.Validate(); // before reading megabytes of input
            var clock = Stopwatch.StartNew();
            var corpus = new WordCounts();
            var files = TrainingCorpus.Read(parse.GetValue(input)!.Select(f => f.FullName).ToArray(), parse.GetValue(fields) ?? [],
                parse.GetValue(maxChars), corpus.Add);
            foreach (var f in files) Console.Error.WriteLine($"train-tokenizer: read {f.Texts} texts ({f.Chars} chars) from {f.Source.Path}");
            var trained = BpeTrainer.Train(corpus, options, Console.Error);

            string outPath = parse.GetValue(output)!.FullName;
            var bytes = TokenizerJsonWriter.ToUtf8(trained);
            GemmaTokenizer.FromJson(bytes, outPath); // never write a file the project's own reader rejects
            TokenizerJsonWriter.Write(trained, outPath);
            Console.Out.WriteLine(Summary(trained, files, outPath, Convert.ToHexStringLower(SHA256.HashData(bytes)), clock.Elapsed.TotalSeconds));
            Console.Error.WriteLine($"train-tokenizer: wrote {trained.VocabSize} tokens to {outPath} in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return cmd;
    }

    private static string Summary(TrainedTokenizer t, IReadOnlyList<CorpusFile> files, string outPath, string sha256, double seconds)
    {
        var s = t.Summary;
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["out"] = outPath,
            ["sha256"] = sha256,
            ["vocab_size"] = t.VocabSize,
            ["added_tokens"] = t.AddedTokens.Count,
            ["alphabet"] = s.Alphabet,
            ["merges"] = s.Merges,
            ["merged_tokens"] = s.MergedTokens,
            ["unused"] = s.Unused,
            ["last_merge_count"] = s.LastMergeCount,
            ["texts"] = s.Texts,
            ["chars"] = s.Chars,
            ["distinct_words"] = s.DistinctWords,
            ["distinct_characters"] = s.DistinctCharacters,
            ["inputs"] = files.Select(f => new Dictionary<string, object>
            {
                ["path"] = f.Source.Path, ["sha256"] = f.Source.Sha256, ["kind"] = f.Kind, ["texts"] = f.Texts, ["chars"] = f.Chars,
            }).ToArray(),
            ["seconds"] = Math.Round(seconds, 2),
        });
    }
}
