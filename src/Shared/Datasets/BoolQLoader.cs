using System.Text.Json;

namespace ProbeMonitor.Datasets;

/// <summary>A loaded BoolQ file and its hash.</summary>
/// <param name="Items">The lines in file order.</param>
/// <param name="Source">The file read.</param>
public sealed record BoolQDataset(IReadOnlyList<BoolQItem> Items, SourceFile Source);

/// <summary>Reads BoolQ JSONL (one <c>{"question", "title", "answer", "passage"}</c> object per line), gzipped or not.</summary>
public static class BoolQLoader
{
    /// <summary>Loads every non-blank line; a line that is not such an object is an error naming its line number.</summary>
    public static BoolQDataset Load(string path)
    {
        var (source, text) = SourceFile.ReadText(path);
        var items = new List<BoolQItem>();
        int lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string where = $"{path}: line {lineNumber}";
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (e.ValueKind != JsonValueKind.Object) throw new DatasetFormatException($"{where}: expected a JSON object.");
                bool answer = e.TryGetProperty("answer", out var a) && a.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? a.GetBoolean()
                    : throw new DatasetFormatException($"{where}: 'answer' must be true or false.");
                items.Add(new BoolQItem(Str(e, "question", where), Str(e, "title", where), answer, Str(e, "passage", where)));
            }
            catch (JsonException ex)
            {
                throw new DatasetFormatException($"{where}: not valid JSON ({ex.Message}).", ex);
            }
        }
        return new BoolQDataset(items, source);
    }

    private static string Str(JsonElement e, string name, string where) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new DatasetFormatException($"{where}: missing string '{name}'.");
}
