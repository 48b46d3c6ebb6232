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
