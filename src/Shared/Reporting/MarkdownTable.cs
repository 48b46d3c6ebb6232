using System.Globalization;
using System.Text;

namespace ProbeMonitor.Reporting;

/// <summary>A GitHub-flavoured Markdown table built row by row; cells are escaped so a '|' or newline in a value cannot break the layout.</summary>
public sealed class MarkdownTable
{
    private readonly string[] _headers;
    private readonly bool[] _numeric;
    private readonly List<string[]> _rows = [];

    /// <summary>Starts a table; headers ending in ':' after a right-aligned column marker are written right-aligned (e.g. "AUC:").</summary>
    public MarkdownTable(params string[] headers)
    {
        if (headers.Length == 0) throw new ArgumentException("a table needs at least one column.", nameof(headers));
        _numeric = headers.Select(h => h.EndsWith(':')).ToArray();
        _headers = headers.Select(h => h.TrimEnd(':')).ToArray();
    }

    /// <summary>Number of data rows.</summary>
    public int Count => _rows.Count;

    /// <summary>Adds a row; it must have one cell per column.</summary>
    public MarkdownTable Add(params string?[] cells)
    {
        if (cells.Length != _headers.Length)
            throw new ArgumentException($"a row of {cells.Length} cells for a table of {_headers.Length} columns.", nameof(cells));
        _rows.Add(cells.Select(c => Escape(c ?? "")).ToArray());
        return this;
    }

    /// <summary>The table as Markdown, ending with a newline.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", _headers.Select(Escape))).Append(" |\n");
        sb.Append('|').Append(string.Join("|", _numeric.Select(n => n ? "---:" : "---"))).Append("|\n");
        foreach (var row in _rows) sb.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
        return sb.ToString();
    }

    /// <summary>A number with fixed decimals, or "–" for NaN/∞/null.</summary>
    public static string Number(double? value, int decimals = 3) =>
        value is { } v && double.IsFinite(v) ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "–";

    /// <summary>A signed number ("+0.012"), or "–".</summary>
    public static string Signed(double? value, int decimals = 3) =>
        value is { } v && double.IsFinite(v) ? (v >= 0 ? "+" : "") + Number(v, decimals) : "–";

    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
