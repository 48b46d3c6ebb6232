using System.IO.Compression;
using System.Text;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Model;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>`extract` end to end on a random tiny checkpoint; values are checked against the engine's own unpooled rows, pooled naively here.</summary>
[Collection(CliRunner.Collection)]
public sealed class ExtractCommandTests : IDisposable
{
    private readonly string _dir = RepoPaths.NewTempDir("pm-extract");
    private readonly string _model;

    private static readonly int[][] Sequences = [[2, 7, 9, 11, 3], [2, 40], [2, 5, 5, 5, 5, 5, 5, 6, 1], [2]];

    public ExtractCommandTests()
    {
        File.WriteAllText(Path.Combine(_dir, "cfg.json"), InitModelCommandTests.TinyConfig);
        _model = Path.Combine(_dir, "model");
        Assert.Equal(0, CliRunner.Run("init-model", "--config", Path.Combine(_dir, "cfg.json"), "--seed", "9", "--out", _model).ExitCode);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteJsonl(string name, IEnumerable<string> lines)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private string TokenInput() => WriteJsonl("in.jsonl",
        Sequences.Select((s, i) => $"{{\"token_ids\": [{string.Join(", ", s)}], \"label\": {i % 2}}}"));

    [Fact]
    public void Pooling_none_writes_zero_padded_rows_lengths_and_labels()
    {
        string output = Path.Combine(_dir, "none.safetensors");
        var (code, err) = CliRunner.Run("extract", "--model", _model, "--input", TokenInput(), "--layers", "0,2", "--pooling", "none", "--batch-size", "3", "--out", output);
        Assert.True(code == 0, err);
        Assert.Contains("extract: 4/4 sequences", err);

        using var model = GemmaModel.Load(_model);
        var expected = model.ResidualStream(Sequences, [0, 2], Pooling.None);
        using var file = SafetensorsFile.Open(output);
        Assert.Equal([4L, 9L, 32L], file.GetInfo("blocks.2.hook_resid_post").Shape);
        Assert.Equal([4L], file.GetInfo("lengths").Shape);
        Assert.Equal([5L, 2L, 9L, 1L], file.ReadInt64("lengths"));
        Assert.Equal([0L, 1L, 0L, 1L], file.ReadInt64("labels"));
        foreach (int layer in new[] { 0, 2 })
        {
            var all = file.ReadSingles($"blocks.{layer}.hook_resid_post");
            for (int s = 0; s < Sequences.Length; s++)
            {
                var block = all.AsSpan(s * 9 * 32, 9 * 32);
                int used = Sequences[s].Length * 32;
                Assert.Equal(expected.Get(layer, s), block[..used].ToArray());
                Assert.All(block[used..].ToArray(), v => Assert.Equal(0f, v));
            }
        }
    }

    [Theory]
    [InlineData("last")]
    [InlineData("mean")]
    [InlineData("max")]
    public void Pooled_outputs_reduce_each_sequences_own_rows(string pooling)
    {
        string output = Path.Combine(_dir, $"{pooling}.safetensors");
        var (code, err) = CliRunner.Run("extract", "--model", _model, "--input", TokenInput(), "--layers", "1", "--pooling", pooling, "--out", output);
        Assert.True(code == 0, err);
        using var model = GemmaModel.Load(_model);
        var rows = model.ResidualStream(Sequences, [1], Pooling.None);
        using var file = SafetensorsFile.Open(output);
        Assert.Equal([4L, 32L], file.GetInfo("blocks.1.hook_resid_post").Shape);
        Assert.False(file.Contains("lengths"));
        var pooled = file.ReadSingles("blocks.1.hook_resid_post");
        for (int s = 0; s < Sequences.Length; s++)
        {
            var r = rows.Get(1, s);
            int t = Sequences[s].Length;
            for (int i = 0; i < 32; i++)
            {
                var column = Enumerable.Range(0, t).Select(k => r[k * 32 + i]).ToArray();
                double want = pooling switch { "last" => column[^1], "max" => column.Max(), _ => column.Average(v => (double)v) };
                Assert.Equal(want, pooled[s * 32 + i], 1e-5);
            }
        }
    }

    [Fact]
    public void Bad_inputs_fail_with_the_line_named()
    {
        string output = Path.Combine(_dir, "x.safetensors");
        string Run(string input, params string[] extra)
        {
            var (code, err) = CliRunner.Run(["extract", "--model", _model, "--input", input, "--layers", "1", "--out", output, .. extra]);
            Assert.Equal(1, code);
            return err;
        }

        Assert.Contains("line 2: token id 50", Run(WriteJsonl("oov.jsonl", ["{\"token_ids\": [1, 2]}", "{\"token_ids\": [3, 50]}"])));
        Assert.Contains("no input lines", Run(WriteJsonl("empty.jsonl", ["", "  "])));
        string longInput = WriteJsonl("long.jsonl", [$"{{\"token_ids\": [{string.Join(",", Enumerable.Repeat(3, 17))}]}}"]);
        Assert.Contains("17 tokens exceed the limit of 16", Run(longInput));
        Assert.Contains("line 1 has \"text\"", Run(WriteJsonl("text.jsonl", ["{\"text\": \"hello\"}"])));
        var (missingLayer, layerErr) = CliRunner.Run("extract", "--model", _model, "--input", TokenInput(), "--layers", "1,3", "--out", output);
        Assert.Equal(1, missingLayer);
        Assert.Contains("layer 3 does not exist", layerErr);

        string badUtf8 = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllBytes(badUtf8, [.. "{\"token_ids\": [1]}\n"u8, .. "{\"text\": \"caf"u8, 0xC3, 0x28, .. "\"}\n"u8]);
        Assert.Contains("line 2: invalid UTF-8", Run(badUtf8));

        string csv = Path.Combine(_dir, "data.csv");
        File.WriteAllText(csv, "prompt,target\nhello,1\n");
        Assert.Contains("--positive-label", Run(csv));

        // --truncate keeps the first max-tokens ids.
        var (ok, err) = CliRunner.Run("extract", "--model", _model, "--input", longInput, "--layers", "0", "--max-tokens", "4", "--truncate", "--pooling", "none", "--out", output);
        Assert.True(ok == 0, err);
        using var file = SafetensorsFile.Open(output);
        Assert.Equal([4L], file.ReadInt64("lengths"));
    }

    [Fact]
    public void Several_inputs_in_one_call_equal_separate_calls()
    {
        string first = TokenInput();
        string second = WriteJsonl("second.jsonl", ["{\"token_ids\": [2, 9, 9, 4], \"label\": 1}", "{\"token_ids\": [2, 3], \"label\": 0}"]);
        string a = Path.Combine(_dir, "a.safetensors"), b = Path.Combine(_dir, "b.safetensors");
        string a1 = Path.Combine(_dir, "a1.safetensors"), b1 = Path.Combine(_dir, "b1.safetensors");
        var (code, err) = CliRunner.Run("extract", "--model", _model, "--input", first, "--out", a, "--input", second, "--out", b, "--layers", "2");
        Assert.True(code == 0, err);
        Assert.Equal(0, CliRunner.Run("extract", "--model", _model, "--input", first, "--layers", "2", "--out", a1).ExitCode);
        Assert.Equal(0, CliRunner.Run("extract", "--model", _model, "--input", second, "--layers", "2", "--out", b1).ExitCode);
        foreach (var (together, alone) in new[] { (a, a1), (b, b1) })
        {
            using var ft = SafetensorsFile.Open(together);
            using var fa = SafetensorsFile.Open(alone);
            Assert.Equal(fa.ReadSingles("blocks.2.hook_resid_post"), ft.ReadSingles("blocks.2.hook_resid_post"));
            Assert.Equal(fa.ReadInt64("labels"), ft.ReadInt64("labels"));
        }

        var (mismatch, message) = CliRunner.Run("extract", "--model", _model, "--input", first, "--input", second, "--out", a, "--layers", "2");
        Assert.Equal(1, mismatch);
        Assert.Contains("2 --input file(s) but 1 --out", message);
        string bad = WriteJsonl("bad.jsonl", ["{\"token_ids\": [2, 5]", "oops"]);
        string never = Path.Combine(_dir, "never.safetensors");
        (mismatch, message) = CliRunner.Run("extract", "--model", _model, "--input", first, "--out", never, "--input", bad, "--out", b, "--layers", "2");
        Assert.Equal(1, mismatch);
        Assert.Contains("invalid JSON", message);
        Assert.False(File.Exists(never), "an unreadable later input must fail before the first file is written");
    }

    [Fact]
    public void Gzipped_jsonl_reads_like_plain()
    {
        string plain = TokenInput(), gz = Path.Combine(_dir, "in.jsonl.gz");
        using (var stream = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            stream.Write(Encoding.UTF8.GetBytes(File.ReadAllText(plain)));
        string a = Path.Combine(_dir, "a.safetensors"), b = Path.Combine(_dir, "b.safetensors");
        Assert.Equal(0, CliRunner.Run("extract", "--model", _model, "--input", plain, "--layers", "2", "--out", a).ExitCode);
        Assert.Equal(0, CliRunner.Run("extract", "--model", _model, "--input", gz, "--layers", "2", "--out", b).ExitCode);
        using var fa = SafetensorsFile.Open(a);
        using var fb = SafetensorsFile.Open(b);
        Assert.Equal(fa.ReadSingles("blocks.2.hook_resid_post"), fb.ReadSingles("blocks.2.hook_resid_post"));
    }
}
