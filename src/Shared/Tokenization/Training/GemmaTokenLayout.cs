namespace ProbeMonitor.Tokenization.Training;

/// <summary>The fixed start of a trained vocabulary, in Gemma's shape: special and newline added tokens, then the 256 byte-fallback tokens.</summary>
/// <remarks>
/// Gemma numbers &lt;pad&gt; &lt;eos&gt; &lt;bos&gt; &lt;unk&gt; 0–3 and keeps "\n" runs as (non-special, raw-matched) added tokens; a small
/// vocabulary has no room for Gemma's hundred unused slots, so the turn markers follow the four specials directly.
/// Newlines are added tokens so that the chat template's "\n" is always one token and no learned token spans a line break.
/// </remarks>
public static class GemmaTokenLayout
{
    /// <summary>The added tokens, id = position: four specials, the two chat-turn markers, then "\n" and "\n\n".</summary>
    public static IReadOnlyList<AddedToken> AddedTokens { get; } =
    [
        Special(0, "<pad>"), Special(1, "<eos>"), Special(2, "<bos>"), Special(3, "<unk>"),
        Special(4, "<start_of_turn>"), Special(5, "<end_of_turn>"),
        Plain(6, "\n"), Plain(7, "\n\n"),
    ];

    /// <summary>Id of the first byte-fallback token &lt;0x00&gt;; &lt;0xNN&gt; is this plus NN.</summary>
    public static int FirstByteId => AddedTokens.Count;

    /// <summary>The first id the trainer may give to a learned character or merge.</summary>
    public static int FirstLearnedId => FirstByteId + 256;

    /// <summary>The smallest vocabulary there can be: the added tokens, the 256 bytes and "▁" (spelled in bytes, a space would decode as "▁").</summary>
    public static int MinimumVocabSize => FirstLearnedId + 1;

    /// <summary>The unknown token's text (the BPE model's unk_token).</summary>
    public const string Unk = "<unk>";

    /// <summary>The beginning-of-sequence token's text.</summary>
    public const string Bos = "<bos>";

    /// <summary>The name of the k-th filler token, used when the corpus yields too few merges to reach the requested size.</summary>
    public static string Unused(int k) => $"<unused{k}>";

    /// <summary>A filler token as an added token (Gemma's &lt;unusedN&gt; are added, non-special, raw-matched).</summary>
    public static AddedToken UnusedToken(int id, int k) => Plain(id, Unused(k));

    private static AddedToken Special(int id, string content) => new(id, content, Special: true, Normalized: false, LStrip: false, RStrip: false, SingleWord: false);

    private static AddedToken Plain(int id, string content) => new(id, content, Special: false, Normalized: false, LStrip: false, RStrip: false, SingleWord: false);
}
