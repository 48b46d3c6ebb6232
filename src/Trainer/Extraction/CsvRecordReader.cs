using System.Text;

namespace ProbeMonitor.Trainer.Extraction;

/// <summary>RFC 4180 CSV records: comma-separated, double-quoted fields may hold commas, quotes ("") and line breaks.</summary>
public sealed class CsvRecordReader
{
    private readonly TextReader _reader;
    private readonly string _source;
    private int _line = 1;

    /// <summary>Reads from <paramref name="reader"/>; <paramref name="source"/> names the input in errors.</summary>
    public CsvRecordReader(TextReader reader, string source)
    {
        _reader = reader;
        _source = source;
    }

    /// <summary>The next record and the line it starts on, or null at the end of input. Blank lines are skipped.</summary>
    public (int Line, List<string> Fields)? Next()
    {
        while (true)
        {
            int first = _reader.Peek();
            if (first < 0) return null;
            if (first == '\n' || first == '\r')
            {
                ConsumeLineBreak();
                continue;
            }
            int start = _line;
            return (start, ReadRecord(start));
        }
    }

    private List<string> ReadRecord(int start)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        while (true)
        {
            int c = _reader.Read();
            if (c == '"' && field.Length == 0)
            {
                ReadQuoted(field, start);
                c = _reader.Peek();
                if (c >= 0 && c != ',' && c != '\n' && c != '\r')
                    throw new FormatException($"{_source} line {_line}: unexpected character '{(char)c}' after a closing quote.");
                continue;
            }
            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                continue;
            }
            if (c < 0 || c == '\n' || c == '\r')
            {
                if (c == '\r' && _reader.Peek() == '\n') _reader.Read();
                if (c >= 0) _line++;
                fields.Add(field.ToString());
                return fields;
            }
            field.Append((char)c);
        }
    }

    private void ReadQuoted(StringBuilder field, int start)
    {
        while (true)
        {
            int c = _reader.Read();
            if (c < 0) throw new FormatException($"{_source} line {start}: quoted field is never closed.");
            if (c == '"')
            {
                if (_reader.Peek() != '"') return;
                _reader.Read();
            }
            if (c == '\n') _line++;
            field.Append((char)c);
        }
    }

    private void ConsumeLineBreak()
    {
        int c = _reader.Read();
        if (c == '\r' && _reader.Peek() == '\n') _reader.Read();
        _line++;
    }
}
