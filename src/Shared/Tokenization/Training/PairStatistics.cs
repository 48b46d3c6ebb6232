namespace ProbeMonitor.Tokenization.Training;

/// <summary>Adjacent-pair counts over the distinct words, the words each pair occurs in, and a lazy max-heap of pairs by count.</summary>
/// <remarks>
/// Counts change only for pairs next to a merge, so a merge touches just the words holding its pair. The heap is lazy: an entry
/// whose count no longer matches is re-queued with the current count when it surfaces. Ties go to the smaller (left, right) id
/// pair, so the order never depends on hashing.
/// </remarks>
internal sealed class PairStatistics
{
    private readonly Dictionary<long, long> _counts = [];
    private readonly Dictionary<long, List<int>> _words = [];
    private readonly PriorityQueue<long, (long NegativeCount, long Key)> _heap = new();
    private readonly HashSet<long> _forbidden = [];

    /// <summary>The key of a pair of ids.</summary>
    public static long Key(int left, int right) => ((long)left << 32) | (uint)right;

    /// <summary>The left and right ids of a key.</summary>
    public static (int Left, int Right) Split(long key) => ((int)(key >> 32), (int)key);

    /// <summary>Adds <paramref name="delta"/> to a pair's count without touching the heap (see <see cref="Requeue"/>).</summary>
    public void Add(long key, long delta)
    {
        long count = _counts.GetValueOrDefault(key) + delta;
        if (count < 0) throw new InvalidOperationException($"pair count of {Split(key)} went negative ({count}): the word bookkeeping is broken.");
        if (count == 0)
        {
            _counts.Remove(key);
            _words.Remove(key);
        }
        else _counts[key] = count;
    }

    /// <summary>Records that word <paramref name="word"/> holds the pair (callers skip repeats within one word).</summary>
    public void Note(long key, int word)
    {
        if (!_words.TryGetValue(key, out var list)) _words[key] = list = [];
        if (list.Count == 0 || list[^1] != word) list.Add(word);
    }

    /// <summary>Queues the pair with its current count (after counts rose; falls are found lazily).</summary>
    public void Requeue(long key)
    {
        if (_counts.TryGetValue(key, out long count) && !_forbidden.Contains(key)) _heap.Enqueue(key, (-count, key));
    }

    /// <summary>The words that may hold the pair (some may no longer: callers check), or empty.</summary>
    public IReadOnlyList<int> WordsOf(long key) => _words.TryGetValue(key, out var list) ? list : [];

    /// <summary>Never offers the pair again.</summary>
    public void Forbid(long key) => _forbidden.Add(key);

    /// <summary>Pops the most frequent allowed pair with a count of at least <paramref name="minCount"/>; false when none is left.</summary>
    public bool TryTakeBest(long minCount, out long key, out long count)
    {
        while (_heap.TryDequeue(out key, out var priority))
        {
            if (_forbidden.Contains(key) || !_counts.TryGetValue(key, out count)) continue;
            if (count != -priority.NegativeCount)
            {
                _heap.Enqueue(key, (-count, key));
                continue;
            }
            if (count < minCount) break;
            return true;
        }
        key = count = 0;
        return false;
    }
}
