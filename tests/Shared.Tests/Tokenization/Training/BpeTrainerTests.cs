using ProbeMonitor.Tokenization;
using ProbeMonitor.Tokenization.Training;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Tokenization.Training;

/// <summary>The trained tokenizer loads, round-trips, has exactly the asked size, is reproducible, and encodes as an independent naive encoder does.</summary>
public sealed class BpeTrainerTests
{
    private const int VocabSize = 420;

    private static readonly Lazy<(byte[] Json, TrainedTokenizer Trained)> Trained = new(() => Train(TrainingCorpusFixture.Sentences(400), VocabSize));

    private static readonly string[] RoundTripTexts =
    [
        "The river was built near the station.",
        "  leading spaces, trailing space ",
        "Ünïcödé àccents: café, naïve, Ångström",
        "日本語のテキストと中文",
        "emoji 🙂🚀 and a flag 🇫🇷",
        "line one\nline two\n\n\nline five\ttab",
        "digits 1234567890 and symbols <>{}[]|~^",
        "literal <0x41> and <bos> in text",
    ];

    internal static (byte[] Json, TrainedTokenizer Trained) Train(IEnumerable<string> texts, int vocabSize, long minPairCount = 2)
    {
        var corpus = new WordCounts();
        foreach (var t in texts) corpus.Add(t);
        var trained = BpeTrainer.Train(corpus, new BpeTrainingOptions(vocabSize, MinPairCount: minPairCount));
        return (TokenizerJsonWriter.ToUtf8(trained), trained);
    }

    [Fact]
    public void The_file_loads_with_GemmaTokenizer_and_has_exactly_the_requested_size_and_Gemma_ids()
    {
        var tokenizer = GemmaTokenizer.FromJson(Trained.Value.Json, "trained.json");
        Assert.Equal(VocabSize, tokenizer.VocabSize);
        Assert.Equal(VocabSize, Trained.Value.Trained.VocabSize);
        Assert.Equal((0, 1, 2, 3), (tokenizer.PadId, tokenizer.EosId, tokenizer.BosId, tokenizer.UnkId));
        Assert.Equal("<0x41>", tokenizer.IdToToken(GemmaTokenLayout.FirstByteId + 0x41));
        Assert.True(Trained.Value.Trained.Summary.Merges > 50, $"only {Trained.Value.Trained.Summary.Merges} merges");
        Assert.Equal(0, Trained.Value.Trained.Summary.Unused);
        Assert.Contains("▁river", Trained.Value.Trained.Tokens);
    }

    [Fact]
    public void Decode_of_encode_gives_the_text_back_including_byte_fallback()
    {
        var tokenizer = GemmaTokenizer.FromJson(Trained.Value.Json);
        foreach (var text in RoundTripTexts)
        {
            var ids = tokenizer.Encode(text, addBos: false);
            Assert.Equal(text, tokenizer.Decode(ids));
            Assert.DoesNotContain(tokenizer.UnkId, ids);
        }
        // CJK and emoji are not in this corpus: they must come out as <0xNN> byte tokens.
        Assert.All(tokenizer.Encode("日🙂", addBos: false), id => Assert.InRange(id, GemmaTokenLayout.FirstByteId, GemmaTokenLayout.FirstByteId + 255));
    }

    [Fact]
    public void Ids_agree_with_an_independent_naive_encoder()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"pm-bpe-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "tokenizer.json");
            File.WriteAllBytes(path, Trained.Value.Json);
            var naive = new NaiveGemmaReference(path);
            var tokenizer = GemmaTokenizer.Load(path);
            foreach (var text in RoundTripTexts.Concat(TrainingCorpusFixture.Sentences(60, seed: 99)))
                Assert.Equal(naive.Encode(text), tokenizer.Encode(text));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_chat_template_encodes_with_the_turn_tokens_and_newline_token()
    {
        var tokenizer = GemmaTokenizer.FromJson(Trained.Value.Json);
        var ids = tokenizer.EncodeChat([new ChatMessage("user", "Was the river built?")]);
        Assert.Equal([tokenizer.BosId, tokenizer.StartOfTurnId], ids[..2]);
        int[] tail = [tokenizer.StartOfTurnId, .. tokenizer.Encode("model", addBos: false), tokenizer.TokenToId("\n")!.Value];
        Assert.Equal(tail, ids[^tail.Length..]);
        Assert.Equal(2, ids.Count(i => i == tokenizer.StartOfTurnId));
        Assert.Equal(1, ids.Count(i => i == tokenizer.EndOfTurnId));
        Assert.Equal("<bos><start_of_turn>user\nWas the river built?<end_of_turn>\n<start_of_turn>model\n", tokenizer.Decode(ids));
    }

    [Fact]
    public void The_same_corpus_gives_the_same_bytes_and_a_different_corpus_does_not()
    {
        var again = Train(TrainingCorpusFixture.Sentences(400), VocabSize);
        Assert.Equal(Trained.Value.Json, again.Json);
        var other = Train(TrainingCorpusFixture.Sentences(400, seed: 8), VocabSize);
        Assert.NotEqual(Trained.Value.Json, other.Json);
    }

    [Fact]
    public void No_learned_token_crosses_a_word_start_or_a_character_class()
    {
        foreach (var token in Trained.Value.Trained.Tokens.Skip(GemmaTokenLayout.FirstLearnedId))
        {
            Assert.True(CharacterClassRule.Allows(token), token);
            string body = token.TrimStart('\u2581');
            Assert.DoesNotContain('\u2581', body);
            Assert.DoesNotContain('\n', token);
        }
    }

    [Fact]
    public void A_small_corpus_is_filled_with_unused_tokens_to_the_exact_size()
    {
        var (json, trained) = Train(["abab abab"], 300);
        var tokenizer = GemmaTokenizer.FromJson(json);
        Assert.Equal(300, tokenizer.VocabSize);
        Assert.True(trained.Summary.Unused > 0);
        Assert.Equal("<unused0>", tokenizer.IdToToken(300 - trained.Summary.Unused));
        Assert.Equal("abab abab", tokenizer.Decode(tokenizer.Encode("abab abab", addBos: false)));
    }

    [Fact]
    public void Bad_input_fails_clearly()
    {
        int minimum = GemmaTokenLayout.MinimumVocabSize;
        var small = Assert.Throws<ArgumentOutOfRangeException>(() => Train(["some text"], minimum - 1));
        Assert.Contains($"vocab size {minimum - 1} is too small", small.Message);
        Assert.Contains($"{minimum}", small.Message);

        var empty = Assert.Throws<InvalidDataException>(() => Train([], 1000));
        Assert.Contains("corpus is empty", empty.Message);
        Assert.Throws<InvalidDataException>(() => Train(["\n", "\n\n", ""], 1000)); // only added tokens
        Assert.Throws<ArgumentOutOfRangeException>(() => new BpeTrainingOptions(1000, CharacterCoverage: 0).Validate());
    }

    [Fact]
    public void Only_the_vocab_size_minimum_is_all_bytes_and_still_round_trips()
    {
        var (json, trained) = Train(["héllo world"], GemmaTokenLayout.MinimumVocabSize);
        Assert.Empty(trained.Merges);
        var tokenizer = GemmaTokenizer.FromJson(json);
        Assert.Equal("héllo world", tokenizer.Decode(tokenizer.Encode("héllo world", addBos: false)));
    }
}
