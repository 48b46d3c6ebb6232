namespace ProbeMonitor.Tokenization;

/// <summary>What a tokenizer.json says, resolved to ids: the raw material <see cref="GemmaTokenizer"/> is built from.</summary>
/// <param name="Vocab">model.vocab: token → id.</param>
/// <param name="VocabById">model.vocab inverted (null where no token has the id).</param>
/// <param name="Merges">model.merges keyed by <see cref="PairKey"/>, valued by <see cref="MergeValue"/>.</param>
/// <param name="AddedTokens">added_tokens in file order.</param>
/// <param name="Normalizer">The normaliser steps, in order (empty for none).</param>
/// <param name="Decoder">The decoder steps, in order, or null when the file has no decoder.</param>
/// <param name="UnkToken">model.unk_token.</param>
/// <param name="ByteFallback">model.byte_fallback.</param>
/// <param name="FuseUnk">model.fuse_unk.</param>
/// <param name="IgnoreMerges">model.ignore_merges.</param>
internal sealed record TokenizerSpec(
    Dictionary<string, int> Vocab,
    string?[] VocabById,
    Dictionary<long, long> Merges,
    IReadOnlyList<AddedToken> AddedTokens,
    IReadOnlyList<NormalizerStep> Normalizer,
    IReadOnlyList<DecoderStep>? Decoder,
    string? UnkToken,
    bool ByteFallback,
    bool FuseUnk,
    bool IgnoreMerges)
{
    /// <summary>Packs a merge pair into the key of <see cref="Merges"/>.</summary>
    public static long PairKey(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>Packs a merge's rank and result id into the value of <see cref="Merges"/>.</summary>
    public static long MergeValue(int rank, int mergedId) => ((long)rank << 32) | (uint)mergedId;
}
