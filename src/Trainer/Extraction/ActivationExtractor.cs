using System.Diagnostics;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Model;

namespace ProbeMonitor.Trainer.Extraction;

/// <summary>What <c>extract</c> does with a loaded model: which layers, how to pool, how to batch and bound sequence length.</summary>
/// <param name="Layers">Layers whose resid_post is saved.</param>
/// <param name="Pooling">Per-sequence reduction.</param>
/// <param name="BatchSize">Sequences per forward pass.</param>
/// <param name="MaxTokens">Longest sequence allowed (at most max_position_embeddings).</param>
/// <param name="Truncate">Cut longer sequences to <paramref name="MaxTokens"/> instead of failing.</param>
public sealed record ExtractionOptions(IReadOnlyList<int> Layers, Pooling Pooling, int BatchSize, int MaxTokens, bool Truncate);

/// <summary>Runs examples through the model in batches and writes <c>blocks.L.hook_resid_post</c> (+ <c>labels</c>, <c>lengths</c>) as safetensors.</summary>
public static class ActivationExtractor
{
    /// <summary>Tokenizes (when needed), checks, extracts and writes; returns the number of sequences written.</summary>
    public static int Run(GemmaModel model, IReadOnlyList<ExtractionExample> examples, Func<string, int[]>? encode,
        ExtractionOptions options, string outPath, TextWriter progress, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (examples.Count == 0) throw new FormatException("the input has no examples.");
        if (options.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(options), $"--batch-size must be positive, got {options.BatchSize}.");
        if (options.MaxTokens <= 0 || options.MaxTokens > model.Config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(options),
                $"--max-tokens must be in 1..{model.Config.MaxPositionEmbeddings} (the model's max_position_embeddings), got {options.MaxTokens}.");

        var sequences = Tokenize(examples, encode, options, model.Config.VocabSize);
        int n = sequences.Length, d = model.Config.HiddenSize;
        int maxLength = sequences.Max(s => s.Length);
        long perSequence = options.Pooling == Pooling.None ? (long)maxLength * d : d;
        if (perSequence * n > Array.MaxLength)
            throw new InvalidOperationException($"{n} sequences × {perSequence} floats do not fit one output tensor; use pooling or fewer inputs.");
        var outputs = options.Layers.Distinct().Order().ToDictionary(l => l, _ => new float[perSequence * n]);

        var clock = Stopwatch.StartNew();
        long tokensDone = 0;
        for (int start = 0; start < n; start += options.BatchSize)
        {
            var batch = sequences.Skip(start).Take(options.BatchSize).ToArray();
            var acts = model.ResidualStream(batch, outputs.Keys, options.Pooling);
            foreach (var (layer, output) in outputs)
                for (int s = 0; s < batch.Length; s++)
                    acts.Get(layer, s).CopyTo(output, (start + s) * perSequence);
            tokensDone += batch.Sum(b => (long)b.Length);
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            progress.WriteLine($"extract: {start + batch.Length}/{n} sequences, {tokensDone} tokens, {tokensDone / seconds:F0} tokens/s");
        }

        var tensors = new List<TensorToWrite>();
        foreach (var (layer, output) in outputs)
        {
            long[] shape = options.Pooling == Pooling.None ? [n, maxLength, d] : [n, d];
            tensors.Add(TensorToWrite.Singles(ResidualActivations.HookName(layer), output, shape));
        }
        if (options.Pooling == Pooling.None)
            tensors.Add(TensorToWrite.Int64("lengths", sequences.Select(s => (long)s.Length).ToArray(), n));
        if (examples[0].Label is not null)
            tensors.Add(TensorToWrite.Int64("labels", examples.Select(e => e.Label ?? throw new FormatException($"line {e.Line} has no label while others do.")).ToArray(), n));

        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>())
        {
            ["pooling"] = options.Pooling.Name(),
            ["layers"] = string.Join(",", outputs.Keys),
            ["count"] = n.ToString(),
            ["d_model"] = d.ToString(),
        };
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        SafetensorsWriter.Write(outPath, tensors, meta);
        return n;
    }

    private static int[][] Tokenize(IReadOnlyList<ExtractionExample> examples, Func<string, int[]>? encode, ExtractionOptions options, int vocab)
    {
        var result = new int[examples.Count][];
        for (int i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            int[] ids = e.TokenIds ?? (encode ?? throw new FormatException($"line {e.Line} has \"text\": text input needs --tokenizer."))(e.Text!);
            if (ids.Length == 0) throw new FormatException($"line {e.Line}: no tokens.");
            for (int t = 0; t < ids.Length; t++)
                if ((uint)ids[t] >= (uint)vocab)
                    throw new FormatException($"line {e.Line}: token id {ids[t]} at position {t} is outside the model's vocabulary [0, {vocab}).");
            if (ids.Length > options.MaxTokens)
            {
                if (!options.Truncate)
                    throw new FormatException($"line {e.Line}: {ids.Length} tokens exceed the limit of {options.MaxTokens} (--max-tokens, at most max_position_embeddings); pass --truncate to cut.");
                ids = ids[..options.MaxTokens];
            }
            result[i] = ids;
        }
        return result;
    }
}
