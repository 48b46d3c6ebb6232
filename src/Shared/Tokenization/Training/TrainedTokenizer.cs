namespace ProbeMonitor.Tokenization.Training;

/// <summary>The result of <see cref="BpeTrainer.Train"/>: every token by id, the added tokens, and the merges by rank.</summary>
/// <param name="Tokens">Token text by id (added tokens, "&lt;0xNN&gt;" bytes, alphabet characters with "▁" for space, merges, fillers).</param>
/// <param name="AddedTokens">The added tokens (Gemma's layout plus any &lt;unusedN&gt; fillers).</param>
/// <param name="Merges">The merges in rank order, as the two token texts joined.</param>
/// <param name="Summary">What the corpus and the training gave.</param>
public sealed record TrainedTokenizer(IReadOnlyList<string> Tokens, IReadOnlyList<AddedToken> AddedTokens,
    IReadOnlyList<(string Left, string Right)> Merges, BpeTrainingSummary Summary)
{
    /// <summary>The number of ids.</summary>
    public int VocabSize => Tokens.Count;
}

/// <summary>Counts describing one training run.</summary>
/// <param name="Texts">Texts read.</param>
/// <param name="Chars">Chars read.</param>
/// <param name="DistinctWords">Distinct words after splitting.</param>
/// <param name="DistinctCharacters">Distinct characters in the corpus.</param>
/// <param name="Alphabet">Characters given their own token.</param>
/// <param name="Merges">Merges learned.</param>
/// <param name="MergedTokens">Vocabulary entries the merges added (a merge may rebuild an existing token).</param>
/// <param name="Unused">&lt;unusedN&gt; fillers added because the corpus ran out of pairs.</param>
/// <param name="LastMergeCount">How often the last merged pair occurred (0 when there was no merge).</param>
public sealed record BpeTrainingSummary(long Texts, long Chars, int DistinctWords, int DistinctCharacters, int Alphabet, int Merges,
    int MergedTokens, int Unused, long LastMergeCount);
