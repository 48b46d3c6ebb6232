using ProbeMonitor.TestSupport;
using ProbeMonitor.Tokenization;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Tokenization;

/// <summary>Encoding and decoding with the hand-made fixture; every expected id list is worked out by hand in the comments.</summary>
public sealed class GemmaTokenizerFixtureTests
{
    private static readonly GemmaTokenizer Tiny = GemmaTokenizer.FromJson(TinyTokenizerFixture.Utf8(TinyTokenizerFixture.Json()), "tiny.json");

    [Theory]
    // a b c: "a b" (rank 0) before "b c" (rank 1), then "ab c" → abc.
    [InlineData("abc", new[] { 13 })]
    // ▁ a b c: ab first, then "▁ ab" (rank 2) beats "ab c" (rank 3): ▁ab c.
    [InlineData(" abc", new[] { 12, 10 })]
    // No dummy prefix: "ab" stays ab; a trailing space is its own ▁.
    [InlineData("ab ", new[] { 11, 7 })]
    // ▁ ▁ a: "▁ ▁" merges; then nothing joins ▁▁ and a.
    [InlineData("  a", new[] { 14, 8 })]
    // a ▁ ▁ b: words "a" and "▁▁b" → a, ▁▁, b.
    [InlineData("a  b", new[] { 8, 14, 9 })]
    // é is not in the vocabulary: its UTF-8 bytes C3 A9.
    [InlineData("é", new[] { 17, 18 })]
    // € = E2 82 AC.
    [InlineData("a€", new[] { 8, 19, 20, 21 })]
    // 😀 = F0 9F 98 80, bytes absent: unk; two in a row fuse into one unk (fuse_unk).
    [InlineData("😀", new[] { 3 })]
    [InlineData("😀😀a😀", new[] { 3, 8, 3 })]
    // Added tokens are cut out before BPE; "\n\n" (longest) beats "\n".
    [InlineData("<start_of_turn>ab\nab", new[] { 4, 11, 6, 11 })]
    [InlineData("a\n\n\nb", new[] { 8, 16, 6, 9 })]
    [InlineData("a<end_of_turn>b", new[] { 8, 5, 9 })]
    // <mask> has lstrip and rstrip: the spaces beside it vanish.
    [InlineData("a <mask> b", new[] { 8, 22, 9 })]
    // "c c" is a normalized added token: it matches "c▁c" after normalisation; "ab" is left for BPE.
    [InlineData("abc c", new[] { 11, 26 })]
    // "cab" is single_word: alone it matches; inside "acab" it does not (a c a b → a c ab).
    [InlineData("cab", new[] { 27 })]
    [InlineData("acab", new[] { 8, 10, 11 })]
    [InlineData("", new int[0])]
    public void Encodes_to_hand_worked_ids(string text, int[] expected)
    {
        Assert.Equal(expected, Tiny.Encode(text, addBos: false));
        Assert.Equal([2, .. expected], Tiny.Encode(text));
    }

    [Fact]
    public void A_lone_surrogate_becomes_the_bytes_of_U_FFFD()
    {
        // Not an InlineData case: xunit's serialisation of test data does not keep lone surrogates.
        Assert.Equal([8, 23, 24, 25, 9], Tiny.Encode("a\uD800b", addBos: false)); // EF BF BD
        Assert.Equal([23, 24, 25, 23, 24, 25], Tiny.Encode("\uDC00\uD800", addBos: false));
        Assert.Equal("a\uFFFDb", GemmaTokenizer.ReplaceLoneSurrogates("a\uD800b"));
    }

    [Fact]
    public void Array_form_merges_give_the_same_ids_as_string_form()
    {
        var arrays = GemmaTokenizer.FromJson(TinyTokenizerFixture.Utf8(TinyTokenizerFixture.Json(arrayMerges: true)));
        foreach (var text in new[] { "abc", " abc", "  a", "a  b c abc", "cab ab" })
            Assert.Equal(Tiny.Encode(text), arrays.Encode(text));
        Assert.Equal([13], arrays.Encode("abc", addBos: false));
    }

    [Fact]
    public void A_vocabulary_with_tokens_across_a_space_is_encoded_as_one_section()
    {
        // With "b▁" in the vocabulary and "b ▁" ranked first, "ab ab" = a b ▁ a b → a b▁ a b → a b▁ ab (id 28 = b▁).
        // Splitting into words before "▁" would wrongly give ab, ▁ab.
        var crossing = GemmaTokenizer.FromJson(TinyTokenizerFixture.Utf8(
            TinyTokenizerFixture.Json(extraVocab: ["b\u2581"], mergesFirst: [("b", "\u2581")])));
        Assert.Equal([8, 28, 11], crossing.Encode("ab ab", addBos: false));
        Assert.Equal([11, 12], Tiny.Encode("ab ab", addBos: false));
    }

    [Fact]
    public void Prepend_normaliser_and_strip_decoder_behave_as_in_older_gemma_files()
    {
        // Older Gemma files add a dummy prefix: normalizer Sequence[Prepend "▁", Replace], decoder ends with Strip(" ", 1, 0).
        // As in Hugging Face the prefix goes on each stretch of text between added tokens, and the strip acts on the fused text.
        var json = TinyTokenizerFixture.Json()
            .Replace(""""
                "normalizer": {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}
                """",
                """"
                "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "\u2581"}, {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]}
                """", StringComparison.Ordinal)
            .Replace("""{"type": "Fuse"}""", """{"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}""", StringComparison.Ordinal);
        Assert.Contains("Prepend", json);
        Assert.Contains("Strip", json);
        var prefixed = GemmaTokenizer.FromJson(TinyTokenizerFixture.Utf8(json));
        // ▁abc → ▁ab c (rank 2 before rank 3); after <start_of_turn>, "ab" becomes ▁ab.
        Assert.Equal([2, 12, 10], prefixed.Encode("abc"));
        Assert.Equal([4, 12], prefixed.Encode("<start_of_turn>ab", addBos: false));
        Assert.Equal("abc", prefixed.Decode([2, 12, 10], skipSpecial: true));
        Assert.Equal(" abc", Tiny.Decode([2, 12, 10], skipSpecial: true));
    }

    [Fact]
    public void Concurrent_encoding_gives_the_same_ids_as_sequential()
    {
        var fresh = GemmaTokenizer.FromJson(TinyTokenizerFixture.Utf8(TinyTokenizerFixture.Json()));
        var texts = Enumerable.Range(0, 400).Select(i => string.Join(' ', Enumerable.Repeat(i % 7 == 0 ? "abc" : "ab c", 1 + i % 5))).ToArray();
        var expected = texts.Select(t => Tiny.Encode(t)).ToArray();
        var actual = new int[texts.Length][];
        Parallel.For(0, texts.Length, i => actual[i] = fresh.Encode(texts[i]));
        for (int i = 0; i < texts.Length; i++) Assert.Equal(expected[i], actual[i]);
    }

    [Fact]
    public void Reads_ids_and_tokens()
    {
        Assert.Equal(28, Tiny.VocabSize); // 26 vocabulary ids plus added ids 26 and 27
        Assert.Equal((0, 1, 2, 3, 4, 5), (Tiny.PadId, Tiny.EosId, Tiny.BosId, Tiny.UnkId, Tiny.StartOfTurnId, Tiny.EndOfTurnId));
        Assert.Equal("\u2581ab", Tiny.IdToToken(12));
        Assert.Equal("c c", Tiny.IdToToken(26));
        Assert.Null(Tiny.IdToToken(28));
        Assert.Null(Tiny.IdToToken(-1));
        Assert.Equal(27, Tiny.TokenToId("cab"));
        Assert.Equal(13, Tiny.TokenToId("abc"));
        Assert.Null(Tiny.TokenToId("zzz"));
        Assert.True(Tiny.IsSpecial(2));
        Assert.False(Tiny.IsSpecial(6));
        Assert.Equal(11, Tiny.AddedTokens.Count);
    }

    [Theory]
    [InlineData(new[] { 2, 12, 10, 6, 17, 18 }, false, "<bos> abc\né")]
    [InlineData(new[] { 2, 12, 10, 6, 17, 18 }, true, " abc\né")]
    [InlineData(new[] { 4, 14, 8, 5, 16 }, true, "  a\n\n")]
    [InlineData(new[] { 8, 22, 9 }, false, "a<mask>b")]
    [InlineData(new[] { 19, 20, 21, 8 }, false, "€a")]
    // A byte run that is not valid UTF-8 becomes one U+FFFD per byte (Hugging Face's ByteFallback decoder).
    [InlineData(new[] { 17, 8 }, false, "\uFFFDa")]
    [InlineData(new[] { 19, 20 }, false, "\uFFFD\uFFFD")]
    [InlineData(new int[0], false, "")]
    public void Decodes_to_hand_worked_text(int[] ids, bool skipSpecial, string expected) =>
        Assert.Equal(expected, Tiny.Decode(ids, skipSpecial));

    [Theory]
    [InlineData(28)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Decode_rejects_an_unknown_id_naming_it(int id)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tiny.Decode([8, id]));
        Assert.Contains($"token id {id}", ex.Message);
        Assert.Equal(id, ex.ActualValue);
    }

    [Fact]
    public void Loads_from_a_folder_or_a_file_path()
    {
        var dir = RepoPaths.NewTempDir("tokenizer");
        try
        {
            var path = Path.Combine(dir, "tokenizer.json");
            File.WriteAllText(path, TinyTokenizerFixture.Json());
            Assert.Equal([2, 12, 10], GemmaTokenizer.Load(dir).Encode(" abc"));
            Assert.Equal([2, 12, 10], GemmaTokenizer.Load(path).Encode(" abc"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Chat_encoding_uses_the_templates_own_bos_and_special_tokens()
    {
        // <bos> <start_of_turn> "user" is not in the tiny vocabulary: u s e r are unknown characters whose bytes are absent,
        // so they fuse into one unk; then \n, ab, <end_of_turn>, \n, <start_of_turn>, "model" → unk, \n.
        var ids = Tiny.EncodeChat([new ChatMessage("user", " ab ")]);
        Assert.Equal([2, 4, 3, 6, 11, 5, 6, 4, 3, 6], ids);
    }

    [Fact]
    public void A_conversation_gets_the_generation_prompt_only_after_a_user_turn()
    {
        // [2 <bos>, 4 <start_of_turn>, 3 "user"→unk, 6 \n, 11 ab, 5 <end_of_turn>, 6 \n] then the model turn or the prompt.
        Assert.Equal([2, 4, 3, 6, 11, 5, 6, 4, 3, 6], Tiny.EncodeConversation([new ChatMessage("user", "ab")]));
        Assert.Equal([2, 4, 3, 6, 11, 5, 6, 4, 3, 6, 9, 5, 6],
            Tiny.EncodeConversation([new ChatMessage("user", "ab"), new ChatMessage("assistant", "b")]));
        Assert.Contains("no messages", Assert.Throws<ArgumentException>(() => Tiny.EncodeConversation([])).Message);
        Assert.Contains("unknown role 'robot'", Assert.Throws<ArgumentException>(() => Tiny.EncodeConversation([new ChatMessage("robot", "ab")])).Message);
    }
}
