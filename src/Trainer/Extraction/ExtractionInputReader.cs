using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ProbeMonitor.Datasets;

namespace ProbeMonitor.Trainer.Extraction;

/// <summary>Reads <c>extract</c> inputs: JSONL (<c>{"text"|"token_ids", "label"?}</c>) or a sae-probes CSV (<c>prompt</c>, <c>target</c>), optionally gzip-compressed.</summary>
public static class ExtractionInputReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads by extension: <c>.jsonl</c>/<c>.json</c> or <c>.csv</c>, each optionally followed by <c>.gz</c>.</summary>
    public static List<ExtractionExample> Read(string path, string? positiveLabel, string textColumn = "prompt", string labelColumn = "target")
    {
        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        if (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            if (positiveLabel is null)
                throw new FormatException($"{path}: a CSV input needs --positive-label: which '{labelColumn}' value is class 1 (never guessed).");
            return ReadCsv(path, positiveLabel, textColumn, labelColumn);
        }
        if (name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            return ReadJsonl(path, positiveLabel);
        throw new FormatException($"{path}: unknown input type; use .jsonl or .csv (optionally .gz).");
    }

    /// <summary>One JSON object per line; blank lines are skipped; every line must be valid UTF-8.</summary>
    public static List<ExtractionExample> ReadJsonl(string path, string? positiveLabel = null)
    {
        byte[] bytes = ReadAllBytes(path);
        var result = new List<ExtractionExample>();
        int lineNumber = 0, start = 0;
        bool? labelled = null;
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0) end = bytes.Length;
            lineNumber++;
            var line = bytes.AsSpan(start, end - start);
            start = end + 1;
            if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
            if (lineNumber == 1 && line.StartsWith("\uFEFF"u8)) line = line[3..];
            if (line.Trim(" \t"u8).IsEmpty) continue;

            string text;
            try { text = StrictUtf8.GetString(line); }
            catch (DecoderFallbackException e)
            {
                throw new FormatException($"{path} line {lineNumber}: invalid UTF-8 ({e.Message})", e);
            }
            var example = ParseJsonLine(text, lineNumber, path, positiveLabel);
            bool hasLabel = example.Label is not null;
            if (labelled is { } l && l != hasLabel)
                throw new FormatException($"{path} line {lineNumber}: {(hasLabel ? "has" : "lacks")} a label while earlier lines {(l ? "have" : "do not")}; label all lines or none.");
            labelled = hasLabel;
            result.Add(example);
        }
        if (result.Count == 0) throw new FormatException($"{path}: no input lines.");
        return result;
    }

    private static ExtractionExample ParseJsonLine(string text, int line, string path, string? positiveLabel)
    {
        string where = $"{path} line {line}";
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new FormatException($"{where}: invalid JSON: {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"{where}: expected a JSON object.");
            bool hasText = root.TryGetProperty("text", out var textEl), hasIds = root.TryGetProperty("token_ids", out var idsEl);
            if (hasText == hasIds) throw new FormatException($"{where}: needs exactly one of \"text\" or \"token_ids\".");
            string? value = null;
            int[]? ids = null;
            if (hasText)
            {
                if (textEl.ValueKind != JsonValueKind.String) throw new FormatException($"{where}: \"text\" must be a string.");
                value = textEl.GetString()!;
            }
            else
            {
                if (idsEl.ValueKind != JsonValueKind.Array) throw new FormatException($"{where}: \"token_ids\" must be an array of integers.");
                ids = new int[idsEl.GetArrayLength()];
                int i = 0;
                foreach (var el in idsEl.EnumerateArray())
                {
                    if (el.ValueKind != JsonValueKind.Number || !el.TryGetInt32(out ids[i]))
                        throw new FormatException($"{where}: token_ids[{i}] = {el.GetRawText()} is not a 32-bit integer.");
                    i++;
                }
            }
            long? label = root.TryGetProperty("label", out var labelEl) && labelEl.ValueKind != JsonValueKind.Null
                ? ParseLabel(labelEl, positiveLabel, where)
                : null;
            return new ExtractionExample(line, value, ids, label);
        }
    }

    private static long ParseLabel(JsonElement el, string? positiveLabel, string where)
    {
        if (positiveLabel is not null)
        {
            string raw = el.ValueKind == JsonValueKind.String ? el.GetString()! : el.GetRawText();
            return raw == positiveLabel ? 1 : 0;
        }
        return el.ValueKind switch
        {
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            JsonValueKind.Number when el.TryGetInt64(out long v) => v,
            _ => throw new FormatException($"{where}: label {el.GetRawText()} is not an integer or boolean; pass --positive-label to map other values."),
        };
    }

    /// <summary>A header row naming <paramref name="textColumn"/> and <paramref name="labelColumn"/>; label 1 where the label equals <paramref name="positiveLabel"/>.</summary>
    public static List<ExtractionExample> ReadCsv(string path, string positiveLabel, string textColumn = "prompt", string labelColumn = "target")
    {
        var table = CsvTable.Parse(SourceFile.ReadText(path).Text, path);
        int textIndex = table.Column(textColumn), labelIndex = table.Column(labelColumn);
        if (table.Rows.Count == 0) throw new FormatException($"{path}: no data rows.");
        var labels = table.Rows.Select(r => r[labelIndex]).ToHashSet(StringComparer.Ordinal);
        if (!labels.Contains(positiveLabel))
            throw new FormatException($"{path}: positive label '{positiveLabel}' never occurs in '{labelColumn}' (values: {string.Join(", ", labels.Order().Take(10))}).");
        if (labels.Count > 2)
            throw new FormatException($"{path}: '{labelColumn}' has {labels.Count} distinct values; a binary dataset has two.");
        return table.Rows.Select((r, i) => new ExtractionExample(table.Lines[i], r[textIndex], null, r[labelIndex] == positiveLabel ? 1 : 0)).ToList();
    }

    private static byte[] ReadAllBytes(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"input file {path} does not exist.", path);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return File.ReadAllBytes(path);
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        try { gz.CopyTo(memory); }
        catch (InvalidDataException e) { throw new FormatException($"{path}: not valid gzip: {e.Message}", e); }
        return memory.ToArray();
    }
}
