using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;

namespace ProbeMonitor.Tokenization;

/// <summary>model.vocab keyed by UTF-8 bytes: one byte arena plus an open-addressing table of (hash, id, offset, length), so a lookup touches two cache lines.</summary>
/// <remarks>A Dictionary&lt;string, int&gt; of 256k entries costs a bucket, an entry and a string object per probe (~200 ns cold); loading
/// resolves 1.7 million merge halves through this map, so that dominated load time. Token strings are made only when first asked for.</remarks>
internal sealed class TokenVocabulary
{
    private byte[] _arena = new byte[1 << 16];
    private int _arenaLength;
    private int[] _start = new int[1024];   // by id; -1 where no token has the id
    private int[] _length = new int[1024];
    private Slot[] _slots;

    private int _shift;
    private string?[]? _strings;

    /// <summary>An empty vocabulary.</summary>
    public TokenVocabulary()
    {
        Array.Fill(_start, -1);
        (_slots, _shift) = Allocate(1024);
    }

    /// <summary>The number of tokens.</summary>
    public int Count { get; private set; }

    /// <summary>One more than the largest id.</summary>
    public int IdBound { get; private set; }

    /// <summary>Adds a token; false if its text is already present (nothing changes). The caller checks the id is free.</summary>
    public bool TryAdd(ReadOnlySpan<byte> utf8, int id)
    {
        int hash = Hash(utf8);
        if (Find(utf8, hash) >= 0) return false;
        if (utf8.IsEmpty) throw new ArgumentException("a token cannot be empty", nameof(utf8));
        if (id >= _start.Length)
        {
            int old = _start.Length;
            int size = (int)Math.Min(Math.Max((long)id + 1, 2L * old), int.MaxValue);
            Array.Resize(ref _start, size);
            Array.Resize(ref _length, size);
            _start.AsSpan(old).Fill(-1);
        }
        if (_arenaLength + utf8.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + utf8.Length));
        utf8.CopyTo(_arena.AsSpan(_arenaLength));
        _start[id] = _arenaLength;
        _length[id] = utf8.Length;
        _arenaLength += utf8.Length;
        if ((Count + 1) * 2 > _slots.Length) Grow();
        Insert(new Slot(hash, id + 1, _start[id], utf8.Length));
        Count++;
        IdBound = Math.Max(IdBound, id + 1);
        return true;
    }

    /// <summary>Whether some token has the id.</summary>
    public bool HasId(int id) => (uint)id < (uint)_start.Length && _start[id] >= 0;

    /// <summary>Whether an id's token is exactly these bytes (a cheap check before a hash lookup).</summary>
    public bool Is(int id, ReadOnlySpan<byte> utf8) => HasId(id) && _arena.AsSpan(_start[id], _length[id]).SequenceEqual(utf8);

    /// <summary>The UTF-8 bytes of an id's token (empty if none).</summary>
    public ReadOnlySpan<byte> Utf8(int id) => HasId(id) ? _arena.AsSpan(_start[id], _length[id]) : default;

    /// <summary>The id of a token given as UTF-8, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<byte> utf8) => Find(utf8, Hash(utf8));

    /// <summary>The id of a token given as text, or -1.</summary>
    public int Find(ReadOnlySpan<char> text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            return Find(buffer[..Encoding.UTF8.GetBytes(text, buffer)]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The token text of an id, or null; the id → string table is built on first use.</summary>
    public string? TokenString(int id)
    {
        var strings = _strings ??= BuildStrings();
        return (uint)id < (uint)strings.Length ? strings[id] : null;
    }

    private string?[] BuildStrings()
    {
        var strings = new string?[IdBound];
        for (int id = 0; id < IdBound; id++)
            if (_start[id] >= 0) strings[id] = Encoding.UTF8.GetString(_arena, _start[id], _length[id]);
        return strings;
    }

    private int Find(ReadOnlySpan<byte> utf8, int hash)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = Index(hash); ; i = (i + 1) & mask)
        {
            ref readonly var slot = ref slots[i];
            if (slot.IdPlusOne == 0) return -1;
            if (slot.Hash == hash && slot.Length == utf8.Length && _arena.AsSpan(slot.Start, slot.Length).SequenceEqual(utf8))
                return slot.IdPlusOne - 1;
        }
    }

    private void Insert(Slot slot)
    {
        int mask = _slots.Length - 1;
        int i = Index(slot.Hash);
        while (_slots[i].IdPlusOne != 0) i = (i + 1) & mask;
        _slots[i] = slot;
    }

    private void Grow()
    {
        var old = _slots;
        (_slots, _shift) = Allocate(old.Length * 2);
        foreach (var slot in old)
            if (slot.IdPlusOne != 0) Insert(slot);
    }

    private static (Slot[], int) Allocate(int capacity) => (new Slot[capacity], 32 - BitOperations.Log2((uint)capacity));

    private int Index(int hash) => (int)(((uint)hash * 0x9E3779B9u) >> _shift);

    /// <summary>One table entry; IdPlusOne is 0 for an empty slot.</summary>
    private readonly record struct Slot(int Hash, int IdPlusOne, int Start, int Length);

    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        var h = new HashCode();
        h.AddBytes(utf8);
        return h.ToHashCode();
    }
}
