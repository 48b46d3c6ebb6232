namespace ProbeMonitor.Tokenization.Training;

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
