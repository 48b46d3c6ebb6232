using System.Text.Json;

namespace ProbeMonitor.Datasets;

/// <summary>The sparse-probing benchmark's <c>index.json</c>: per dataset its row count, labels and positive label.</summary>
public sealed class SaeProbesIndex
{
    private readonly Dictionary<string, SaeProbesIndexEntry> _byName;

    private SaeProbesIndex(IReadOnlyList<SaeProbesIndexEntry> entries, SourceFile source)
    {
        Entries = entries;
        Source = source;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>All entries in file order.</summary>
    public IReadOnlyList<SaeProbesIndexEntry> Entries { get; }

    /// <summary>The index file and its hash.</summary>
    public SourceFile Source { get; }

    /// <summary>Reads and validates index.json: each entry needs a name, rows &gt; 0, two or more labels and a positive label among them.</summary>
    public static SaeProbesIndex Load(string path)
    {
        var (source, text) = SourceFile.ReadText(path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new DatasetFormatException($"{path}: not valid JSON ({e.Message}).", e); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new DatasetFormatException($"{path}: expected a JSON array of dataset entries.");
            var entries = new List<SaeProbesIndexEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int i = 0;
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                string where = $"{path}: entry {i++}";
                string name = RequiredString(e, "name", where);
                where = $"{path}: entry '{name}'";
                if (!seen.Add(name)) throw new DatasetFormatException($"{where} appears twice.");
                if (!e.TryGetProperty("rows", out var rowsElement) || !rowsElement.TryGetInt32(out int rows) || rows <= 0)
                    throw new DatasetFormatException($"{where}: 'rows' must be a positive integer.");
                if (!e.TryGetProperty("labels", out var labelsElement) || labelsElement.ValueKind != JsonValueKind.Array)
                    throw new DatasetFormatException($"{where}: 'labels' must be an array of strings.");
                var labels = labelsElement.EnumerateArray().Select(l => l.ValueKind == JsonValueKind.String
                    ? l.GetString()!
                    : throw new DatasetFormatException($"{where}: every label must be a string.")).ToArray();
                if (labels.Length < 2 || labels.Distinct(StringComparer.Ordinal).Count() != labels.Length)
                    throw new DatasetFormatException($"{where}: 'labels' must hold at least two distinct values, got [{string.Join(", ", labels)}].");
                string positive = RequiredString(e, "positive_label", where);
                if (!labels.Contains(positive, StringComparer.Ordinal))
                    throw new DatasetFormatException($"{where}: positive_label '{positive}' is not one of its labels [{string.Join(", ", labels)}].");
                entries.Add(new SaeProbesIndexEntry(name, rows, labels, positive,
                    OptionalString(e, "source"), OptionalString(e, "dataset"), OptionalString(e, "probe_from"), OptionalString(e, "probe_to")));
            }
            return new SaeProbesIndex(entries, source);
        }
    }

    /// <summary>The entry for a dataset name; throws naming the index when absent.</summary>
    public SaeProbesIndexEntry Get(string name) => _byName.TryGetValue(name, out var e)
        ? e
        : throw new KeyNotFoundException($"{Source.Path}: no dataset named '{name}' (the index lists {Entries.Count}).");

    /// <summary>Whether the index lists the dataset.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    private static string RequiredString(JsonElement e, string property, string where) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new DatasetFormatException($"{where}: '{property}' must be a non-empty string.");

    private static string OptionalString(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
}
