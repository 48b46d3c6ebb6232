using System.Text;

namespace ProbeMonitor.Shared.Tests.Tokenization;

/// <summary>A hand-made tokenizer.json in Gemma's layout, small enough to work every expected id out by hand.</summary>
/// <remarks>
/// Vocabulary: 0 &lt;pad&gt; 1 &lt;eos&gt; 2 &lt;bos&gt; 3 &lt;unk&gt; 4 &lt;start_of_turn&gt; 5 &lt;end_of_turn&gt; 6 "\n" 7 ▁ 8 a 9 b 10 c
/// 11 ab 12 ▁ab 13 abc 14 ▁▁ 15 bc 16 "\n\n" 17 &lt;0xC3&gt; 18 &lt;0xA9&gt; 19 &lt;0xE2&gt; 20 &lt;0x82&gt; 21 &lt;0xAC&gt; 22 &lt;mask&gt;
/// 23 &lt;0xEF&gt; 24 &lt;0xBF&gt; 25 &lt;0xBD&gt;. Merges by rank: 0 "a b", 1 "b c", 2 "▁ ab", 3 "ab c", 4 "▁ ▁".
/// Added tokens: the six specials, "\n", "\n\n", &lt;mask&gt; (lstrip, rstrip), "c c" as id 26 (normalized, outside the vocab),
/// "cab" as id 27 (single_word, outside the vocab).
/// </remarks>
internal static class TinyTokenizerFixture
{
    public static readonly string[] VocabTokens =
    [
        "<pad>", "<eos>", "<bos>", "<unk>", "<start_of_turn>", "<end_of_turn>", "\n", "\u2581", "a", "b", "c",
        "ab", "\u2581ab", "abc", "\u2581\u2581", "bc", "\n\n", "<0xC3>", "<0xA9>", "<0xE2>", "<0x82>", "<0xAC>", "<mask>",
        "<0xEF>", "<0xBF>", "<0xBD>",
    ];

    public static readonly (string Left, string Right)[] Merges =
        [("a", "b"), ("b", "c"), ("\u2581", "ab"), ("ab", "c"), ("\u2581", "\u2581")];

    /// <summary>The file text; <paramref name="arrayMerges"/> writes merges as [a, b] pairs (newer files) instead of "a b";
    /// <paramref name="extraVocab"/> gets ids from 28; <paramref name="mergesFirst"/> go before the usual merges.</summary>
    public static string Json(bool arrayMerges = false, string modelType = "BPE", IEnumerable<string>? extraVocab = null,
        IEnumerable<(string, string)>? mergesFirst = null)
    {
        // Extra tokens start at 28, after the added ids 26 and 27.
        var vocab = VocabTokens.Select((t, i) => $"{Str(t)}: {i}").Concat((extraVocab ?? []).Select((t, i) => $"{Str(t)}: {28 + i}"));
        var merges = (mergesFirst ?? []).Concat(Merges)
            .Select(m => arrayMerges ? $"[{Str(m.Item1)}, {Str(m.Item2)}]" : Str($"{m.Item1} {m.Item2}"));
        string Added(int id, string content, bool special, bool normalized = false, bool strip = false, bool singleWord = false) =>
            $$$"""{"id": {{{id}}}, "content": {{{Str(content)}}}, "single_word": {{{B(singleWord)}}}, "lstrip": {{{B(strip)}}}, "rstrip": {{{B(strip)}}}, "normalized": {{{B(normalized)}}}, "special": {{{B(special)}}}}""";
        var added = new[]
        {
            Added(0, "<pad>", true), Added(1, "<eos>", true), Added(2, "<bos>", true), Added(3, "<unk>", true),
            Added(4, "<start_of_turn>", true), Added(5, "<end_of_turn>", true), Added(6, "\n", false), Added(16, "\n\n", false),
            Added(22, "<mask>", false, strip: true), Added(26, "c c", false, normalized: true), Added(27, "cab", false, singleWord: true),
        };
        return $$$"""
        {
          "version": "1.0",
          "truncation": null,
          "padding": null,
          "added_tokens": [{{{string.Join(",\n    ", added)}}}],
          "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"},
          "pre_tokenizer": null,
          "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<bos>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}]},
          "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}]},
          "model": {
            "type": "{{{modelType}}}", "dropout": null, "unk_token": "<unk>", "continuing_subword_prefix": null, "end_of_word_suffix": null,
            "fuse_unk": true, "byte_fallback": true, "ignore_merges": false,
            "vocab": { {{{string.Join(", ", vocab)}}} },
            "merges": [ {{{string.Join(", ", merges)}}} ]
          }
        }
        """;
    }

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    private static string B(bool b) => b ? "true" : "false";

    /// <summary>A JSON string literal ("\n" and "▁" come out escaped, so the fixture tests the reader's unescaping too).</summary>
    private static string Str(string s) => System.Text.Json.JsonSerializer.Serialize(s, RelaxedEscaping);

    private static readonly System.Text.Json.JsonSerializerOptions RelaxedEscaping =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
