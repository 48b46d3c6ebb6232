using System.Text.Json;
using ProbeMonitor.Datasets;

namespace ProbeMonitor.Trainer.Corpus;

/// <summary>Reads the texts a tokenizer is trained on from JSONL, sae-probes style CSV, plain text or SQuAD JSON files (each optionally .gz).</summary>
/// <remarks>
/// JSONL: every listed field a line has (default "text"). CSV: every listed column the header has (default "prompt").
/// .txt: one text per non-empty line. .json: SQuAD 2.0, each distinct context once, then each question. Files are read in the
/// order given and texts in file order until <c>maxChars</c> is reached, so the corpus is a deterministic prefix.
/// </remarks>
public static class TrainingCorpus
{
    /// <summary>Reads the files, passing each text to <paramref name="sink"/>; returns what each file gave.</summary>
    /// <exception cref="FormatException">A file has an unknown type, bad JSON, or none of the requested fields or columns.</exception>
    public static IReadOnlyList<CorpusFile> Read(IReadOnlyList<string> paths, IReadOnlyList<string> fields, long maxChars, Action<string> sink)
    {
        if (paths.Count == 0) throw new ArgumentException("no --input files given.");
        if (maxChars <= 0) throw new ArgumentException($"--max-chars must be positive, got {maxChars}.");
        var result = new List<CorpusFile>();
        long total = 0;
        foreach (var path in paths)
        {
            var (source, text) = SourceFile.ReadText(path);
            string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
            string kind = Path.GetExtension(name).ToLowerInvariant() switch
            {
                ".jsonl" => "jsonl",
                ".csv" => "csv",
                ".txt" => "txt",
                ".json" => "squad",
                _ => throw new FormatException($"{path}: unknown input type; use .jsonl, .csv, .txt or SQuAD .json (optionally .gz)."),
            };
            var texts = kind switch
            {
                "jsonl" => Jsonl(text, path, fields.Count == 0 ? ["text"] : fields),
                "csv" => Csv(text, path, fields.Count == 0 ? ["prompt"] : fields),
                "txt" => text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0),
                _ => Squad(path),
            };
            long taken = 0, chars = 0;
            foreach (var t in texts)
            {
                if (total >= maxChars) break;
                sink(t);
                taken++;
                chars += t.Length;
                total += t.Length;
            }
            result.Add(new CorpusFile(source, kind, taken, chars));
        }
        return result;
    }

    private static IEnumerable<string> Jsonl(string content, string path, IReadOnlyList<string> fields)
    {
        int lineNumber = 0;
        bool any = false;
        foreach (var line in content.Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var texts = new List<string>();
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException($"{path} line {lineNumber}: expected a JSON object.");
                foreach (var field in fields)
                    if (doc.RootElement.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String) texts.Add(v.GetString()!);
            }
            catch (JsonException e)
            {
                throw new FormatException($"{path} line {lineNumber}: invalid JSON: {e.Message}", e);
            }
            any |= texts.Count > 0;
            foreach (var t in texts) yield return t;
        }
        if (!any) throw new FormatException($"{path}: no line has a string field named {string.Join(" or ", fields.Select(f => $"'{f}'"))} (choose with --text-field).");
    }

    private static IEnumerable<string> Csv(string content, string path, IReadOnlyList<string> columns)
    {
        var table = CsvTable.Parse(content, path);
        var indices = columns.Where(table.HasColumn).Select(table.Column).ToArray();
        if (indices.Length == 0)
            throw new FormatException($"{path}: the header has no column named {string.Join(" or ", columns.Select(c => $"'{c}'"))} (choose with --text-field).");
        foreach (var row in table.Rows)
            foreach (int i in indices)
                if (row[i].Length > 0) yield return row[i];
    }

    private static IEnumerable<string> Squad(string path)
    {
        var squad = SquadLoader.Load(path);
        var contexts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var q in squad.Questions)
            if (contexts.Add(q.Context)) yield return q.Context;
        foreach (var q in squad.Questions) yield return q.Question;
    }
}
