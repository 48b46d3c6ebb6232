using System.Globalization;
using System.Text.Json;

namespace ProbeMonitor.Datasets;

/// <summary>
/// Generic labelled text files: JSONL with one object per line or CSV with a header, each example a text and a 0/1 label.
/// Labels must be 0/1 (number or string) or true/false; anything else is an error, because a polarity is never guessed.
/// </summary>
public static class LabeledTextFile
{
    /// <summary>Reads JSONL; <paramref name="groupField"/> (optional) names a string field to use as the group.</summary>
    public static LabeledDataset LoadJsonl(string path, string textField = "text", string labelField = "label", string? groupField = null, string positiveMeaning = "label 1")
    {
        var (source, content) = SourceFile.ReadText(path);
        var examples = new List<LabeledText>();
        int lineNumber = 0;
        foreach (var line in content.Split('\n'))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            string where = $"{path}: line {lineNumber}";
            try
            {
                using var doc = JsonDocument.Parse(line);
                var e = doc.RootElement;
                if (e.ValueKind != JsonValueKind.Object) throw new DatasetFormatException($"{where}: expected a JSON object.");
                string text = e.TryGetProperty(textField, out var t) && t.ValueKind == JsonValueKind.String
                    ? t.GetString()! : throw new DatasetFormatException($"{where}: missing string '{textField}'.");
                if (!e.TryGetProperty(labelField, out var l)) throw new DatasetFormatException($"{where}: missing '{labelField}'.");
                int label = l.ValueKind switch
                {
                    JsonValueKind.True => 1,
                    JsonValueKind.False => 0,
                    JsonValueKind.Number when l.TryGetInt32(out int n) && n is 0 or 1 => n,
                    JsonValueKind.String => ParseLabel(l.GetString()!, where),
                    _ => throw new DatasetFormatException($"{where}: '{labelField}' is {l.GetRawText()}; labels must be 0/1 or true/false."),
                };
                string? group = groupField is not null && e.TryGetProperty(groupField, out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
                examples.Add(new LabeledText(text, label, group));
            }
            catch (JsonException ex)
            {
                throw new DatasetFormatException($"{where}: not valid JSON ({ex.Message}).", ex);
            }
        }
        return new LabeledDataset(Path.GetFileName(path), examples, positiveMeaning, [source], $"JSONL '{textField}' / '{labelField}'.");
    }

    /// <summary>Reads CSV with a header naming the text and label columns (and optionally a group column).</summary>
    public static LabeledDataset LoadCsv(string path, string textColumn = "text", string labelColumn = "label", string? groupColumn = null, string positiveMeaning = "label 1")
    {
        var (source, content) = SourceFile.ReadText(path);
        var table = CsvTable.Parse(content, path);
        int text = table.Column(textColumn), label = table.Column(labelColumn);
        int group = groupColumn is null ? -1 : table.Column(groupColumn);
        var examples = new List<LabeledText>(table.Rows.Count);
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var row = table.Rows[i];
            examples.Add(new LabeledText(row[text], ParseLabel(row[label], $"{path}: line {table.Lines[i]}"), group >= 0 ? row[group] : null));
        }
        return new LabeledDataset(Path.GetFileName(path), examples, positiveMeaning, [source], $"CSV '{textColumn}' / '{labelColumn}'.");
    }

    /// <summary>
    /// Writes one <c>{"text", "label", "group"?}</c> object per line (UTF-8, no BOM, \n endings): what <see cref="LoadJsonl"/>
    /// and the Trainer's <c>extract</c> read back. Returns the number of lines written.
    /// </summary>
    public static int WriteJsonl(LabeledDataset data, string path)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        foreach (var e in data.Examples)
        {
            json.WriteStartObject();
            json.WriteString("text", e.Text);
            json.WriteNumber("label", e.Label);
            if (e.Group is not null) json.WriteString("group", e.Group);
            json.WriteEndObject();
            json.Flush();
            stream.WriteByte((byte)'\n');
            json.Reset();
        }
        return data.Count;
    }

    private static int ParseLabel(string value, string where) => value.Trim().ToLower(CultureInfo.InvariantCulture) switch
    {
        "0" or "false" => 0,
        "1" or "true" => 1,
        _ => throw new DatasetFormatException($"{where}: label '{value}' is not 0/1 or true/false."),
    };
}
