namespace ProbeMonitor.Tokenization.Training;

/// <summary>Settings of <see cref="BpeTrainer"/>.</summary>
/// <param name="VocabSize">The exact number of ids in the trained tokenizer (added tokens and bytes included).</param>
/// <param name="CharacterCoverage">Share of character occurrences the learned alphabet must cover (SentencePiece's default 0.9995);
/// rarer characters are spelled with byte-fallback tokens.</param>
/// <param name="MinPairCount">Pairs seen fewer times than this are never merged; the vocabulary is then filled with &lt;unusedN&gt; tokens.</param>
/// <param name="MaxTokenChars">Longest merged token, in UTF-16 chars (SentencePiece's max_sentencepiece_length is 16).</param>
public sealed record BpeTrainingOptions(int VocabSize, double CharacterCoverage = 0.9995, long MinPairCount = 2, int MaxTokenChars = 16)
{
    /// <summary>Throws naming the first setting that cannot work.</summary>
    public void Validate()
    {
        if (VocabSize < GemmaTokenLayout.MinimumVocabSize)
            throw new ArgumentOutOfRangeException(nameof(VocabSize), VocabSize,
                $"vocab size {VocabSize} is too small: the {GemmaTokenLayout.AddedTokens.Count} added tokens, 256 byte tokens and \"\u2581\" alone take {GemmaTokenLayout.MinimumVocabSize} ids.");
        if (VocabSize > TokenizerJsonReader.MaxId)
            throw new ArgumentOutOfRangeException(nameof(VocabSize), VocabSize, $"vocab size {VocabSize} is above the tokenizer's limit of {TokenizerJsonReader.MaxId}.");
        if (!(CharacterCoverage is > 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(CharacterCoverage), CharacterCoverage, "character coverage must be in (0, 1].");
        if (MinPairCount < 1) throw new ArgumentOutOfRangeException(nameof(MinPairCount), MinPairCount, "the minimum pair count must be at least 1.");
        if (MaxTokenChars < 2) throw new ArgumentOutOfRangeException(nameof(MaxTokenChars), MaxTokenChars, "the longest token must allow at least 2 chars.");
    }
}
