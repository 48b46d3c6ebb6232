using System.Buffers.Binary;
using System.Security.Cryptography;
using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Caching;

/// <summary>What identifies a cached pooled activation: the model, layer, pooling and a SHA-256 of the token ids.</summary>
/// <remarks>
/// The token ids are hashed (as little-endian int32, with their count) rather than stored, so a key stays small however
/// long the prompt; SHA-256 makes an accidental collision between two different prompts practically impossible.
/// </remarks>
/// <param name="ModelId">The model, e.g. google/gemma-2-2b.</param>
/// <param name="Layer">The block index.</param>
/// <param name="Pooling">How the tokens' activations were pooled.</param>
/// <param name="TokenCount">How many tokens the prompt has.</param>
/// <param name="TokenHashHigh">The first 8 bytes of the SHA-256 of the token ids.</param>
/// <param name="TokenHashLow">The next 8 bytes.</param>
/// <param name="TokenHashRest">Bytes 16–23 (the key keeps 192 of the hash's 256 bits).</param>
public readonly record struct ActivationCacheKey(
    string ModelId, int Layer, Pooling Pooling, int TokenCount, ulong TokenHashHigh, ulong TokenHashLow, ulong TokenHashRest)
{
    /// <summary>The key of <paramref name="tokenIds"/> pooled by <paramref name="pooling"/> at <paramref name="layer"/> of <paramref name="modelId"/>.</summary>
    public static ActivationCacheKey Create(string modelId, int layer, Pooling pooling, ReadOnlySpan<int> tokenIds)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelId);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> chunk = stackalloc byte[1024];
        for (int start = 0; start < tokenIds.Length; start += chunk.Length / sizeof(int))
        {
            var ids = tokenIds.Slice(start, Math.Min(chunk.Length / sizeof(int), tokenIds.Length - start));
            for (int i = 0; i < ids.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(chunk.Slice(i * sizeof(int)), ids[i]);
            sha.AppendData(chunk[..(ids.Length * sizeof(int))]);
        }
        Span<byte> hash = stackalloc byte[32];
        sha.GetHashAndReset(hash);
        return new ActivationCacheKey(modelId, layer, pooling, tokenIds.Length,
            BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]), BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]));
    }
}
