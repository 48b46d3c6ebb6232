using ProbeMonitor.TestSupport;
using ProbeMonitor.Tokenization;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Tokenization;

/// <summary>Bad files get an exception that names the file and the offending field.</summary>
public sealed class TokenizerJsonErrorTests
{
    private static Exception LoadError(string json) =>
        Record.Exception(() => GemmaTokenizer.FromJson(TinyTokenizerFixture.Utf8(json), "bad.json"))!;

    private static string Tiny => TinyTokenizerFixture.Json();

    [Fact]
    public void A_missing_file_is_a_FileNotFoundException_naming_it()
    {
        var dir = RepoPaths.NewTempDir("tokenizer");
        try
        {
            var ex = Assert.Throws<FileNotFoundException>(() => GemmaTokenizer.Load(dir));
            Assert.Equal(Path.Combine(dir, "tokenizer.json"), ex.FileName);
            Assert.Throws<FileNotFoundException>(() => GemmaTokenizer.Load(Path.Combine(dir, "nope.json")));
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Theory]
    // Truncated JSON.
    [InlineData("TRUNCATE", "malformed JSON")]
    [InlineData("[]", "top level must be a JSON object")]
    [InlineData("{\"version\": \"1.0\"}", "field 'model' is missing")]
    [InlineData("REMOVE:\"vocab\"", "model.vocab")]
    [InlineData("REPLACE:\"a\": 8|\"a\": \"eight\"", "model.vocab[\"a\"] must be an integer id")]
    [InlineData("REPLACE:\"a\": 8|\"a\": -8", "model.vocab[\"a\"]")]
    [InlineData("REPLACE:\"a\": 8|\"a\": 99999999", "model.vocab[\"a\"]")]
    [InlineData("REPLACE:\"a\": 8|\"a\": 9", "model.vocab gives id 9 to both")]
    [InlineData("REPLACE:\"a b\"|\"ab\"", "model.merges[0]")]
    [InlineData("REPLACE:\"a b\"|\"a z\"", "model.merges[0]")]
    [InlineData("REPLACE:\"a b\"|17", "model.merges[0] must be a string")]
    [InlineData("REPLACE:\"byte_fallback\": true|\"byte_fallback\": 1", "model.byte_fallback")]
    [InlineData("REPLACE:\"id\": 6,|\"id\": \"six\",", "added_tokens[6].id")]
    [InlineData("REPLACE:\"content\": \"<mask>\"|\"content\": \"\"", "added_tokens[8].content")]
    [InlineData("REPLACE:\"unk_token\": \"<unk>\"|\"unk_token\": \"<nope>\"", "model.unk_token '<nope>'")]
    [InlineData("REPLACE:<start_of_turn>|<sot>", "no '<start_of_turn>' token")]
    [InlineData("REPLACE:\"model\": {|\"model\": [{", "field 'model' must be an object, not an array")]
    public void Malformed_files_are_InvalidDataException_naming_the_field(string edit, string expected)
    {
        var ex = Assert.IsType<InvalidDataException>(LoadError(Apply(edit)));
        Assert.Contains("bad.json", ex.Message);
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("REPLACE:\"type\": \"BPE\"|\"type\": \"WordPiece\"", "model.type 'WordPiece' is not supported")]
    [InlineData("REPLACE:\"pre_tokenizer\": null|\"pre_tokenizer\": {\"type\": \"Metaspace\"}", "pre_tokenizer 'Metaspace'")]
    [InlineData("REPLACE:\"normalizer\": {\"type\": \"Replace\"|\"normalizer\": {\"type\": \"NFKC\"", "normalizer.type 'NFKC'")]
    [InlineData("REPLACE:{\"type\": \"Fuse\"}|{\"type\": \"WordPiece\"}", "decoder.decoders[2].type 'WordPiece'")]
    [InlineData("REPLACE:\"dropout\": null|\"dropout\": 0.1", "model.dropout")]
    public void Unsupported_pipelines_are_NotSupportedException_naming_the_field(string edit, string expected)
    {
        var ex = Assert.IsType<NotSupportedException>(LoadError(Apply(edit)));
        Assert.Contains(expected, ex.Message);
    }

    private static string Apply(string edit)
    {
        if (edit == "TRUNCATE") return Tiny[..(Tiny.Length / 2)];
        if (edit.StartsWith("REMOVE:", StringComparison.Ordinal))
        {
            // Drop the "vocab" member: its whole line in the fixture.
            var lines = Tiny.Split('\n').Where(l => !l.TrimStart().StartsWith(edit["REMOVE:".Length..], StringComparison.Ordinal));
            return string.Join('\n', lines);
        }
        if (edit.StartsWith("REPLACE:", StringComparison.Ordinal))
        {
            var parts = edit["REPLACE:".Length..].Split('|');
            Assert.Contains(parts[0], Tiny);
            return Tiny.Replace(parts[0], parts[1], StringComparison.Ordinal);
        }
        return edit;
    }
}
