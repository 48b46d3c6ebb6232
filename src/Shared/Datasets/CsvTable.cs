namespace ProbeMonitor.Datasets;

/// <summary>A CSV file read whole: the header row and the data records, each checked to have one field per header column.</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _columns;

    private CsvTable(string sourceName, string[] header, List<string[]> rows, List<int> lines)
    {
        SourceName = sourceName;
        Header = header;
        Rows = rows;
        Lines = lines;
        _columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++) _columns.TryAdd(header[i], i);
    }

    /// <summary>Where the table came from (for error messages).</summary>
    public string SourceName { get; }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>The data records (header excluded).</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>The 1-based line on which each data record starts.</summary>
    public IReadOnlyList<int> Lines { get; }

    /// <summary>Parses CSV text whose first record is the header; every record must have as many fields as the header.</summary>
    public static CsvTable Parse(string text, string sourceName)
    {
        var reader = new CsvReader(text, sourceName);
        var fields = new List<string>();
        if (!reader.TryReadRecord(fields)) throw new DatasetFormatException($"{sourceName}: the file is empty (no header row).");
        var header = fields.ToArray();
        var rows = new List<string[]>();
        var lines = new List<int>();
        while (reader.TryReadRecord(fields))
        {
            if (fields.Count != header.Length)
                throw new DatasetFormatException($"{sourceName}: line {reader.RecordLine}: {fields.Count} fields but the header has {header.Length} ({string.Join(",", header)}).");
            rows.Add(fields.ToArray());
            lines.Add(reader.RecordLine);
        }
        return new CsvTable(sourceName, header, rows, lines);
    }

    /// <summary>Whether the header names this column.</summary>
    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>The index of a column; throws naming the file and the columns present when it is missing.</summary>
    public int Column(string name) => _columns.TryGetValue(name, out int i)
        ? i
        : throw new DatasetFormatException($"{SourceName}: no column '{name}'; the header has: {string.Join(", ", Header.Select(h => $"'{h}'"))}.");
}
