using System.Numerics;
using System.Runtime.CompilerServices;

namespace ProbeMonitor.Tokenization;

/// <summary>BPE merges: (left id, right id) → (rank, merged id), as a flat open-addressing hash table of 16-byte slots.</summary>
/// <remarks>Dictionary&lt;long, …&gt; hashes a long as low ^ high, which for (left &lt;&lt; 32 | right) collapses half a million pairs
/// onto ~260k buckets; a Fibonacci hash with linear probing spreads them, and one slot holding key and value costs one cache miss.</remarks>
internal sealed class MergeTable
{
    private Slot[] _slots;
    private int _shift;

    /// <summary>An empty table with room for <paramref name="expected"/> pairs before it first grows.</summary>
    public MergeTable(int expected = 16) => (_slots, _shift) = Allocate(Capacity(expected));

    /// <summary>The number of pairs.</summary>
    public int Count { get; private set; }

    /// <summary>Sets the merge of a pair; a later call for the same pair wins (as Hugging Face does with duplicate merges).</summary>
    public void Set(int left, int right, int rank, int mergedId)
    {
        if ((Count + 1) * 4L > _slots.Length * 3L) Grow();
        if (Insert(new Slot(left + 1, right, rank, mergedId))) Count++;
    }

    /// <summary>Looks up a pair's rank and merged id.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(int left, int right, out int rank, out int mergedId)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = Index(left, right); ; i = (i + 1) & mask)
        {
            ref readonly var slot = ref slots[i];
            if (slot.LeftPlusOne == left + 1 && slot.Right == right)
            {
                rank = slot.Rank;
                mergedId = slot.Merged;
                return true;
            }
            if (slot.LeftPlusOne == 0)
            {
                rank = mergedId = 0;
                return false;
            }
        }
    }

    private bool Insert(Slot item)
    {
        int mask = _slots.Length - 1;
        int i = Index(item.LeftPlusOne - 1, item.Right);
        while (_slots[i].LeftPlusOne != 0 && !(_slots[i].LeftPlusOne == item.LeftPlusOne && _slots[i].Right == item.Right))
            i = (i + 1) & mask;
        bool added = _slots[i].LeftPlusOne == 0;
        _slots[i] = item;
        return added;
    }

    private void Grow()
    {
        var old = _slots;
        (_slots, _shift) = Allocate(old.Length * 2);
        foreach (var slot in old)
            if (slot.LeftPlusOne != 0) Insert(slot);
    }

    /// <summary>A power of two keeping <paramref name="expected"/> pairs under 3/4 full.</summary>
    private static int Capacity(int expected) =>
        (int)BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(expected * 4L / 3 + 1, 16, 1 << 30));

    private static (Slot[], int) Allocate(int capacity) => (new Slot[capacity], 64 - BitOperations.Log2((uint)capacity));

    private int Index(int left, int right) =>
        (int)(((((ulong)(uint)left << 32) | (uint)right) * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>One entry; LeftPlusOne is 0 for an empty slot.</summary>
    private readonly record struct Slot(int LeftPlusOne, int Right, int Rank, int Merged);
}
