using ProbeMonitor.TestSupport;
using ProbeMonitor.Trainer.Extraction;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Extraction;

public sealed class ExtractionInputReaderTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDir("pm-input");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string content)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Csv_follows_rfc_4180_quotes_commas_and_line_breaks()
    {
        string path = Write("d.csv", "prompt,prompt_len,target\r\n\"He said \"\"hi\"\", then, left\",5,True\r\nplain,1,False\n\"two\nlines\",2,True\n");
        var rows = ExtractionInputReader.Read(path, positiveLabel: "True");
        Assert.Equal(["He said \"hi\", then, left", "plain", "two\nlines"], rows.Select(r => r.Text));
        Assert.Equal([1L, 0L, 1L], rows.Select(r => r.Label!.Value));
        Assert.Equal([2, 3, 4], rows.Select(r => r.Line));
    }

    [Fact]
    public void Csv_rejects_a_positive_label_that_never_occurs_and_ragged_rows()
    {
        Assert.Contains("never occurs", Assert.ThrowsAny<FormatException>(() => ExtractionInputReader.Read(Write("a.csv", "prompt,target\nx,0\ny,1\n"), "yes")).Message);
        Assert.Contains("line 3", Assert.ThrowsAny<FormatException>(() => ExtractionInputReader.Read(Write("b.csv", "prompt,target\nx,0\ny,1,extra\n"), "1")).Message);
        Assert.Contains("no column 'prompt'", Assert.ThrowsAny<FormatException>(() => ExtractionInputReader.Read(Write("c.csv", "text,target\nx,0\n"), "1")).Message);
        Assert.Contains("never closed", Assert.ThrowsAny<FormatException>(() => ExtractionInputReader.Read(Write("e.csv", "prompt,target\n\"x,0\n"), "0")).Message);
    }

    [Fact]
    public void Jsonl_reads_text_ids_and_labels_and_names_bad_lines()
    {
        var rows = ExtractionInputReader.Read(Write("a.jsonl", "{\"text\": \"é\", \"label\": true}\n\n{\"token_ids\": [2, 3], \"label\": 0}\n"), null);
        Assert.Equal("é", rows[0].Text);
        Assert.Equal([2, 3], rows[1].TokenIds!);
        Assert.Equal([1L, 0L], rows.Select(r => r.Label!.Value));
        Assert.Equal([1, 3], rows.Select(r => r.Line));

        var mapped = ExtractionInputReader.Read(Write("m.jsonl", "{\"text\": \"a\", \"label\": \"toxic\"}\n{\"text\": \"b\", \"label\": \"ok\"}\n"), "toxic");
        Assert.Equal([1L, 0L], mapped.Select(r => r.Label!.Value));

        Assert.Contains("line 2: needs exactly one", Assert.ThrowsAny<FormatException>(() => ExtractionInputReader.Read(Write("b.jsonl", "{\"text\": \"a\"}\n{\"text\": \"a\", \"token_ids\": [1]}\n"), null)).Message);
        Assert.Contains("line 1: invalid JSON", Assert.ThrowsAny<FormatException>(() => ExtractionInputReader.Read(Write("c.jsonl", "{text}\n"), null)).Message);
        Assert.Contains("line 2: lacks a label", Assert.ThrowsAny<FormatException>(() => ExtractionInputReader.Read(Write("d.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\"}\n"), null)).Message);
        Assert.Contains("token_ids[1]", Assert.ThrowsAny<FormatException>(() => ExtractionInputReader.Read(Write("e.jsonl", "{\"token_ids\": [1, 2.5]}\n"), null)).Message);
    }
}
