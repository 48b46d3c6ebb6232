using System.Text;

namespace ProbeMonitor.Datasets;

/// <summary>
/// An RFC 4180 CSV reader: comma-separated fields, double-quoted fields that may hold commas, doubled quotes ("") and line
/// breaks, records ended by CRLF, LF or a lone CR outside quotes.
/// </summary>
/// <remarks>
/// Deliberate choices where files in the wild differ from the RFC: a quote inside an unquoted field is kept literally
/// (as Python's csv module does); text after a closing quote other than a separator or line end is an error, as is an
/// unterminated quoted field, both reported with the line where the record started. Blank lines between records are
/// skipped; a final line break does not make an extra record.
/// </remarks>
public sealed class CsvReader
{
    private readonly string _text;
    private readonly string _sourceName;
    private int _position;
    private int _line = 1;

    /// <summary>Reads records from text already in memory; <paramref name="sourceName"/> appears in error messages.</summary>
    public CsvReader(string text, string sourceName = "csv")
    {
        ArgumentNullException.ThrowIfNull(text);
        _text = text;
        _sourceName = sourceName;
    }

    /// <summary>The 1-based line on which the most recently read record started.</summary>
    public int RecordLine { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/> (cleared first); false at the end of the input.</summary>
    public bool TryReadRecord(List<string> fields)
    {
        fields.Clear();
        while (_position < _text.Length && IsLineBreak(_text[_position])) SkipLineBreak();
        if (_position >= _text.Length) return false;
        RecordLine = _line;
        var field = new StringBuilder();
        while (true)
        {
            field.Clear();
            bool endOfRecord = _position >= _text.Length || _text[_position] != '"' ? ReadUnquoted(field) : ReadQuoted(field);
            fields.Add(field.ToString());
            if (endOfRecord) return true;
        }
    }

    /// <summary>All remaining records.</summary>
    public IEnumerable<string[]> ReadAll()
    {
        var fields = new List<string>();
        while (TryReadRecord(fields)) yield return fields.ToArray();
    }

    /// <summary>Parses a whole CSV text into records.</summary>
    public static List<string[]> Parse(string text, string sourceName = "csv") => new CsvReader(text, sourceName).ReadAll().ToList();

    /// <summary>Reads up to a comma (false: more fields follow) or a line end / end of input (true).</summary>
    private bool ReadUnquoted(StringBuilder field)
    {
        while (_position < _text.Length)
        {
            char c = _text[_position];
            if (c == ',')
            {
                _position++;
                return false;
            }
            if (IsLineBreak(c))
            {
                SkipLineBreak();
                return true;
            }
            field.Append(c);
            _position++;
        }
        return true;
    }

    private bool ReadQuoted(StringBuilder field)
    {
        int startLine = _line;
        _position++; // opening quote
        while (true)
        {
            if (_position >= _text.Length)
                throw new DatasetFormatException($"{_sourceName}: a quoted field opened on line {startLine} is never closed (record starting on line {RecordLine}).");
            char c = _text[_position];
            if (c == '"')
            {
                if (_position + 1 < _text.Length && _text[_position + 1] == '"')
                {
                    field.Append('"');
                    _position += 2;
                    continue;
                }
                _position++; // closing quote
                break;
            }
            if (c == '\n' || (c == '\r' && (_position + 1 >= _text.Length || _text[_position + 1] != '\n'))) _line++;
            field.Append(c);
            _position++;
        }
        if (_position >= _text.Length) return true;
        char next = _text[_position];
        if (next == ',')
        {
            _position++;
            return false;
        }
        if (IsLineBreak(next))
        {
            SkipLineBreak();
            return true;
        }
        throw new DatasetFormatException($"{_sourceName}: line {_line}: unexpected character '{next}' after the closing quote of a field (record starting on line {RecordLine}).");
    }

    private static bool IsLineBreak(char c) => c is '\r' or '\n';

    private void SkipLineBreak()
    {
        if (_text[_position] == '\r' && _position + 1 < _text.Length && _text[_position + 1] == '\n') _position++;
        _position++;
        _line++;
    }
}
