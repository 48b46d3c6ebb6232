using System.Text.Json;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Trainer.Tests.Commands;

/// <summary>`tokenize` writes the ids an independent tokenizer (transformers.js, in golden.json) produces, BOS included.</summary>
[Collection(CliRunner.Collection)]
public sealed class TokenizeCommandTests
{
    private const string Tokenizer = "models/gemma2-tokenizer/tokenizer.json";

    // From ../shared/models/gemma2-tokenizer/golden.json (transformers.js).
    private static readonly int[] HelloIds = [2, 4521, 2134, 235265, 714, 6037, 576, 6081, 603, 7127, 235265];
    private static readonly int[] ChatIds = [2, 106, 1645, 108, 2437, 736, 3448, 887, 235336, 107, 108, 106, 2516, 108];

    [SharedDataFact(Tokenizer)]
    public void Plain_and_chat_template_lines_give_the_golden_ids_and_keep_labels()
    {
        string dir = RepoPaths.NewTempDir("pm-tokenize");
        try
        {
            var golden = GoldenTexts();
            string input = Path.Combine(dir, "in.jsonl"), plainOut = Path.Combine(dir, "plain.jsonl"), chatOut = Path.Combine(dir, "chat.jsonl");
            File.WriteAllLines(input, [JsonSerializer.Serialize(new { text = golden.Hello, label = 1 })]);
            Assert.Equal(0, CliRunner.Run("tokenize", "--tokenizer", RepoPaths.Shared(Tokenizer), "--input", input, "--out", plainOut).ExitCode);
            var line = JsonDocument.Parse(File.ReadAllLines(plainOut).Single()).RootElement;
            Assert.Equal(HelloIds, line.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(1, line.GetProperty("label").GetInt64());

            File.WriteAllLines(input, [JsonSerializer.Serialize(new { text = golden.ChatUser })]);
            Assert.Equal(0, CliRunner.Run("tokenize", "--tokenizer", RepoPaths.Shared(Tokenizer), "--chat-template", "--input", input, "--out", chatOut).ExitCode);
            var chat = JsonDocument.Parse(File.ReadAllLines(chatOut).Single()).RootElement;
            Assert.Equal(ChatIds, chat.GetProperty("token_ids").EnumerateArray().Select(e => e.GetInt32()));
            Assert.False(chat.TryGetProperty("label", out _));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SharedDataFact(Tokenizer)]
    public void Bad_lines_fail_with_one_error_naming_the_line_and_leave_no_output()
    {
        string dir = RepoPaths.NewTempDir("pm-tokenize-bad");
        try
        {
            string input = Path.Combine(dir, "in.jsonl"), output = Path.Combine(dir, "out.jsonl");
            File.WriteAllText(input, "{\"text\": \"fine\"}\n{\"token_ids\": [2, 5]}\n");
            var (code, err) = CliRunner.Run("tokenize", "--tokenizer", RepoPaths.Shared(Tokenizer), "--input", input, "--out", output);
            Assert.Equal(1, code);
            Assert.Contains("line 2", err);
            Assert.False(File.Exists(output));

            File.WriteAllBytes(input, [.. "{\"text\": \""u8, 0xC3, 0x28, .. "\"}\n"u8]);
            (code, err) = CliRunner.Run("tokenize", "--tokenizer", RepoPaths.Shared(Tokenizer), "--input", input, "--out", output);
            Assert.Equal(1, code);
            Assert.Contains("invalid UTF-8", err);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (string Hello, string ChatUser) GoldenTexts()
    {
        // Read from golden.json so the test cannot drift from the file: the plain line with HelloIds, and the chat line
        // (the rendered template, whose user content is what --chat-template is given).
        using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.Shared("models/gemma2-tokenizer/golden.json")));
        string? hello = null, chatUser = null;
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            var ids = entry.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            string text = entry.GetProperty("text").GetString()!;
            if (ids.SequenceEqual(HelloIds)) hello = text;
            if (ids.SequenceEqual(ChatIds)) chatUser = text["<start_of_turn>user\n".Length..text.IndexOf("<end_of_turn>", StringComparison.Ordinal)];
        }
        return (hello ?? throw new InvalidOperationException("golden.json has no line with the expected plain ids"),
                chatUser ?? throw new InvalidOperationException("golden.json has no line with the expected chat ids"));
    }
}
