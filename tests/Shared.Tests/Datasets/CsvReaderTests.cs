using System.Text.Json;
using ProbeMonitor.Datasets;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Datasets;

public sealed class CsvReaderTests
{
    [Theory]
    [InlineData("a,b\n1,2\n", new[] { "a|b", "1|2" })]
    [InlineData("a,b\r\n1,2\r\n", new[] { "a|b", "1|2" })]
    [InlineData("a,b\r1,2", new[] { "a|b", "1|2" })]
    [InlineData("a,b\n1,2", new[] { "a|b", "1|2" })]
    [InlineData("\"x, y\",z\n", new[] { "x, y|z" })]
    [InlineData("\"say \"\"hi\"\"\",2\n", new[] { "say \"hi\"|2" })]
    [InlineData("\"line1\nline2\",2\n3,4\n", new[] { "line1\nline2|2", "3|4" })]
    [InlineData("\"line1\r\nline2\",2\r\n3,4\r\n", new[] { "line1\r\nline2|2", "3|4" })]
    [InlineData("a,,c,\n", new[] { "a||c|" })]
    [InlineData("\"\",\"\"\n", new[] { "|" })]
    [InlineData("a,b\n\n\n1,2\n", new[] { "a|b", "1|2" })]
    [InlineData("5\" pipe,x\n", new[] { "5\" pipe|x" })]
    [InlineData("\"a\"", new[] { "a" })]
    public void Parses_rfc4180_edge_cases(string text, string[] expected)
    {
        var records = CsvReader.Parse(text).Select(r => string.Join("|", r)).ToArray();
        Assert.Equal(expected, records);
    }

    [Fact]
    public void Reports_the_line_of_an_unterminated_quote()
    {
        var e = Assert.Throws<DatasetFormatException>(() => CsvReader.Parse("a,b\n1,2\n3,\"never\nclosed\n", "fixture.csv"));
        Assert.Contains("fixture.csv", e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("never closed", e.Message);
    }

    [Fact]
    public void Rejects_text_after_a_closing_quote()
    {
        var e = Assert.Throws<DatasetFormatException>(() => CsvReader.Parse("a,b\n\"x\"y,2\n", "f.csv"));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("after the closing quote", e.Message);
    }

    [Fact]
    public void Records_the_start_line_of_multi_line_records()
    {
        var reader = new CsvReader("h\n\"a\nb\nc\"\nd\n");
        var fields = new List<string>();
        var lines = new List<int>();
        while (reader.TryReadRecord(fields)) lines.Add(reader.RecordLine);
        Assert.Equal([1, 2, 5], lines);
    }

    [Fact]
    public void Table_checks_field_counts_and_names_missing_columns()
    {
        var e = Assert.Throws<DatasetFormatException>(() => CsvTable.Parse("a,b\n1,2\n3\n", "t.csv"));
        Assert.Contains("line 3: 1 fields but the header has 2", e.Message);
        var table = CsvTable.Parse("a,b\n1,2\n", "t.csv");
        var missing = Assert.Throws<DatasetFormatException>(() => table.Column("text"));
        Assert.Contains("'a', 'b'", missing.Message);
    }

    /// <summary>Python's csv module writes seeded random records full of quotes, commas and line breaks; we must read back exactly what it wrote.</summary>
    [PeerTheory("python:csv")]
    [InlineData("\r\n")]
    [InlineData("\n")]
    public void Reads_back_what_python_csv_writes(string terminator)
    {
        const string script = """
            import csv, io, json, random, sys
            term = sys.stdin.read()
            rng = random.Random(1234)
            alphabet = ['a', 'b', ' ', ',', '"', '\n', '\r\n', 'é', '漢', '\t', "'"]
            rows = [[''.join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(4)] for _ in range(300)]
            rows = [r for r in rows if any(r)]
            buf = io.StringIO()
            csv.writer(buf, lineterminator=term).writerows(rows)
            print(json.dumps({"text": buf.getvalue(), "rows": rows}))
            """;
        using var doc = JsonDocument.Parse(Peers.RunPython(script, terminator));
        var text = doc.RootElement.GetProperty("text").GetString()!;
        var expected = doc.RootElement.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(f => f.GetString()!).ToArray()).ToList();
        var actual = CsvReader.Parse(text);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i], actual[i]);
    }
}
