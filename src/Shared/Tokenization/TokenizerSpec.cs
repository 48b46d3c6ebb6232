namespace ProbeMonitor.Tokenization;

/// <summary>What a tokenizer.json says, resolved to ids: the raw material <see cref="GemmaTokenizer"/> is built from.</summary>
/// <param name="Vocab">model.vocab.</param>
/// <param name="Merges">model.merges by id pair, with rank (position in the list) and merged id.</param>
/// <param name="AddedTokens">added_tokens in file order.</param>
/// <param name="Normalizer">The normaliser steps, in order (empty for none).</param>
/// <param name="Decoder">The decoder steps, in order, or null when the file has no decoder.</param>
/// <param name="UnkToken">model.unk_token.</param>
/// <param name="ByteFallback">model.byte_fallback.</param>
/// <param name="FuseUnk">model.fuse_unk.</param>
/// <param name="IgnoreMerges">model.ignore_merges.</param>
internal sealed record TokenizerSpec(
    TokenVocabulary Vocab,
    MergeTable Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    IReadOnlyList<NormalizerStep> Normalizer,
    IReadOnlyList<DecoderStep>? Decoder,
    string? UnkToken,
    bool ByteFallback,
    bool FuseUnk,
    bool IgnoreMerges);
