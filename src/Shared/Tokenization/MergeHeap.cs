namespace ProbeMonitor.Tokenization;

/// <summary>A binary min-heap of packed (rank, position) merge candidates over caller-owned storage.</summary>
/// <remarks>Packing rank in the high half makes one long comparison order by rank, then by leftmost position, as Hugging Face's BPE does.</remarks>
internal ref struct MergeHeap
{
    private readonly Span<long> _items;
    private int _count;

    /// <summary>Uses <paramref name="storage"/>; it must hold every push (a word of n symbols needs at most 3n).</summary>
    public MergeHeap(Span<long> storage)
    {
        _items = storage;
        _count = 0;
    }

    /// <summary>Whether nothing is queued.</summary>
    public readonly bool IsEmpty => _count == 0;

    /// <summary>Queues a candidate.</summary>
    public void Push(int rank, int position)
    {
        long item = ((long)rank << 32) | (uint)position;
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (_items[parent] <= item) break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = item;
    }

    /// <summary>Removes and returns the lowest-rank, leftmost candidate.</summary>
    public (int Rank, int Position) Pop()
    {
        long top = _items[0];
        long last = _items[--_count];
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= _count) break;
            if (child + 1 < _count && _items[child + 1] < _items[child]) child++;
            if (last <= _items[child]) break;
            _items[i] = _items[child];
            i = child;
        }
        if (_count > 0) _items[i] = last;
        return ((int)(top >> 32), (int)top);
    }
}
