using System.Buffers;
using System.Collections.Concurrent;
using System.Text;

namespace ProbeMonitor.Tokenization;

/// <summary>The BPE model: characters to ids (with byte fallback and unk), then merges applied lowest rank first.</summary>
/// <remarks>
/// Gemma has no pre-tokeniser, so Hugging Face runs BPE over a whole normalised section. When no vocabulary token has a "▁"
/// right after another character (checked at load; true for Gemma), no merge can cross the point before such a "▁", so the
/// section splits into independent words there; that gives the same ids, lets repeated words come from a cache, and keeps each
/// merge loop small. Without the property the whole section goes through one heap-driven merge loop (O(n log n)).
/// </remarks>
[System.Runtime.CompilerServices.SkipLocalsInit] // the per-word stack buffers are written before they are read
internal sealed class BpeModel
{
    private const char Metaspace = '\u2581';
    private const int MaxCachedWordLength = 64;
    private const int MaxCacheEntries = 1 << 18;
    private const int StackSymbols = 96;

    private readonly int[] _bmpIds;
    private readonly Dictionary<int, int> _astralIds = [];
    private readonly int[] _byteIds = new int[256];
    private readonly MergeTable _merges;
    private readonly TokenVocabulary _vocab;
    private readonly int _unkId;
    private readonly bool _byteFallback, _fuseUnk, _ignoreMerges;
    private readonly ConcurrentDictionary<string, int[]> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _cacheLookup;
    private int _cacheCount;

    /// <summary>Builds the lookup tables from a parsed file.</summary>
    public BpeModel(TokenizerSpec spec, string source)
    {
        _merges = spec.Merges;
        _vocab = spec.Vocab;
        _byteFallback = spec.ByteFallback;
        _fuseUnk = spec.FuseUnk;
        _ignoreMerges = spec.IgnoreMerges;
        _cacheLookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        _unkId = spec.UnkToken is { } unk ? spec.Vocab.Find(unk) : -1;
        if (spec.UnkToken is not null && _unkId < 0)
            throw new InvalidDataException($"{source}: model.unk_token '{spec.UnkToken}' is not in model.vocab");

        _bmpIds = new int[char.MaxValue + 1];
        Array.Fill(_bmpIds, -1);
        bool crossing = false;
        for (int id = 0; id < spec.Vocab.IdBound; id++)
        {
            var token = spec.Vocab.Utf8(id);
            if (token.IsEmpty) continue;
            if (token.Length <= 4 && Rune.DecodeFromUtf8(token, out var rune, out int used) == OperationStatus.Done && used == token.Length)
            {
                if (rune.IsBmp) _bmpIds[rune.Value] = id;
                else _astralIds[rune.Value] = id;
            }
            crossing |= HasMetaspaceAfterOther(token);
        }
        for (int b = 0; b < 256; b++)
            _byteIds[b] = spec.Vocab.Find(ByteTokens.Name((byte)b));
        WordsAreIndependent = !crossing && !_ignoreMerges && _bmpIds[Metaspace] >= 0;
    }

    /// <summary>Whether sections split into words before each "▁" that follows another character (see remarks).</summary>
    public bool WordsAreIndependent { get; }

    /// <summary>Appends the ids of a normalised section.</summary>
    public void Encode(ReadOnlySpan<char> text, List<int> output)
    {
        if (text.IsEmpty) return;
        if (!WordsAreIndependent)
        {
            if (_ignoreMerges && _vocab.Find(text) is int whole and >= 0) output.Add(whole);
            else EncodeWord(text, output);
            return;
        }
        int start = 0;
        for (int i = 1; i < text.Length; i++)
        {
            if (text[i] == Metaspace && text[i - 1] != Metaspace)
            {
                EncodeCached(text[start..i], output);
                start = i;
            }
        }
        EncodeCached(text[start..], output);
    }

    /// <summary>Whether the UTF-8 token has "▁" (E2 96 81) right after some other character.</summary>
    private static bool HasMetaspaceAfterOther(ReadOnlySpan<byte> token)
    {
        ReadOnlySpan<byte> metaspace = [0xE2, 0x96, 0x81];
        for (int at = token.IndexOf(metaspace); at >= 0;)
        {
            if (at > 0 && (at < 3 || !token.Slice(at - 3, 3).SequenceEqual(metaspace))) return true;
            int next = token[(at + 3)..].IndexOf(metaspace);
            at = next < 0 ? -1 : at + 3 + next;
        }
        return false;
    }

    private void EncodeCached(ReadOnlySpan<char> word, List<int> output)
    {
        if (word.Length > MaxCachedWordLength)
        {
            EncodeWord(word, output);
            return;
        }
        if (_cacheLookup.TryGetValue(word, out var cached))
        {
            output.AddRange(cached);
            return;
        }
        int before = output.Count;
        EncodeWord(word, output);
        if (Volatile.Read(ref _cacheCount) < MaxCacheEntries
            && _cache.TryAdd(word.ToString(), output.GetRange(before, output.Count - before).ToArray()))
            Interlocked.Increment(ref _cacheCount);
    }

    /// <summary>Runs BPE over one word (or a whole section); a char can become up to 3 symbols through byte fallback.</summary>
    private void EncodeWord(ReadOnlySpan<char> word, List<int> output)
    {
        int capacity = 3 * word.Length;
        int[]? rentedInts = null;
        long[]? rentedLongs = null;
        Span<int> ints = capacity <= StackSymbols ? stackalloc int[3 * StackSymbols] : (rentedInts = ArrayPool<int>.Shared.Rent(3 * capacity));
        Span<long> longs = capacity <= StackSymbols ? stackalloc long[3 * StackSymbols] : (rentedLongs = ArrayPool<long>.Shared.Rent(3 * capacity));
        try
        {
            var ids = ints[..capacity];
            int n = InitialSymbols(word, ids);
            Merge(ids[..n], ints.Slice(capacity, n), ints.Slice(2 * capacity, n), new MergeHeap(longs[..(3 * Math.Max(n, 1))]), output);
        }
        finally
        {
            if (rentedInts is not null) ArrayPool<int>.Shared.Return(rentedInts);
            if (rentedLongs is not null) ArrayPool<long>.Shared.Return(rentedLongs);
        }
    }

    /// <summary>One symbol per character; unknown characters become their UTF-8 byte tokens, else unk (consecutive unks fused when fuse_unk).</summary>
    private int InitialSymbols(ReadOnlySpan<char> word, Span<int> ids)
    {
        int n = 0;
        bool previousUnk = false;
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < word.Length;)
        {
            int width = 1, id;
            char c = word[i];
            if (char.IsHighSurrogate(c) && i + 1 < word.Length && char.IsLowSurrogate(word[i + 1]))
            {
                width = 2;
                id = _astralIds.TryGetValue(char.ConvertToUtf32(c, word[i + 1]), out int a) ? a : -1;
            }
            else id = _bmpIds[c];
            var ch = word.Slice(i, width);
            i += width;

            if (id >= 0)
            {
                ids[n++] = id;
                previousUnk = false;
                continue;
            }
            if (_byteFallback)
            {
                int count = Encoding.UTF8.GetBytes(ch, utf8);
                bool all = true;
                for (int k = 0; k < count; k++) all &= _byteIds[utf8[k]] >= 0;
                if (all)
                {
                    for (int k = 0; k < count; k++) ids[n++] = _byteIds[utf8[k]];
                    previousUnk = false;
                    continue;
                }
            }
            // As Hugging Face: with no unk token an unknown character is dropped.
            if (_unkId < 0) continue;
            if (!(_fuseUnk && previousUnk)) ids[n++] = _unkId;
            previousUnk = true;
        }
        return n;
    }

    /// <summary>The merge loop over a doubly linked list of symbols; stale heap entries are recognised by their rank no longer matching the pair.</summary>
    private void Merge(Span<int> ids, Span<int> prev, Span<int> next, MergeHeap heap, List<int> output)
    {
        int n = ids.Length;
        if (n == 0) return;
        for (int k = 0; k < n; k++)
        {
            prev[k] = k - 1;
            next[k] = k + 1 < n ? k + 1 : -1;
        }
        for (int k = 0; k + 1 < n; k++)
            if (_merges.TryGet(ids[k], ids[k + 1], out int initialRank, out _))
                heap.Push(initialRank, k);

        while (!heap.IsEmpty)
        {
            var (rank, pos) = heap.Pop();
            if (ids[pos] < 0) continue;
            int right = next[pos];
            if (right < 0 || !_merges.TryGet(ids[pos], ids[right], out int currentRank, out int merged) || currentRank != rank)
                continue;
            ids[pos] = merged;
            ids[right] = -1;
            int after = next[right];
            next[pos] = after;
            if (after >= 0) prev[after] = pos;
            int before = prev[pos];
            if (before >= 0 && _merges.TryGet(ids[before], ids[pos], out int leftRank, out _))
                heap.Push(leftRank, before);
            if (after >= 0 && _merges.TryGet(ids[pos], ids[after], out int rightRank, out _))
                heap.Push(rightRank, pos);
        }
        for (int k = 0; k >= 0; k = next[k]) output.Add(ids[k]);
    }
}
