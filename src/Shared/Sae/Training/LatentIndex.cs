namespace ProbeMonitor.Sae.Training;

/// <summary>The entries of <see cref="SparseCodes"/> grouped by latent (a transposed view), each group in row order.</summary>
/// <remarks>
/// The backward pass accumulates W_dec and W_enc gradient rows latent by latent from this view, so each gradient row
/// is written by one thread in a fixed order: no atomics, and the sums are reproducible.
/// </remarks>
internal sealed class LatentIndex
{
    private int[] _start = [];
    private int[] _entry = [];
    private int[] _row = [];
    private int[] _active = [];
    private int[] _cursor = [];

    /// <summary>Latent j's entries are Entry[Start[j] .. Start[j+1]).</summary>
    public int[] Start => _start;

    /// <summary>Entry ids into the codes' arrays, grouped by latent.</summary>
    public int[] Entry => _entry;

    /// <summary>The batch row of each entry id (indexed by entry id, not by group position).</summary>
    public int[] Row => _row;

    /// <summary>Latents with at least one entry, ascending, in the first <see cref="ActiveCount"/> slots.</summary>
    public int[] ActiveLatents => _active;

    /// <summary>Latents with at least one entry, ascending.</summary>
    public ReadOnlySpan<int> Active => _active.AsSpan(0, ActiveCount);

    /// <summary>Entries indexed (the codes' count).</summary>
    public int EntryCount { get; private set; }

    /// <summary>Number of latents with at least one entry.</summary>
    public int ActiveCount { get; private set; }

    /// <summary>Rebuilds the view for <paramref name="codes"/> over <paramref name="width"/> latents (a counting sort).</summary>
    public void Build(SparseCodes codes, int width)
    {
        int n = codes.Count;
        if (_start.Length < width + 1) _start = new int[width + 1];
        if (_active.Length < width)
        {
            _active = new int[width];
            _cursor = new int[width];
        }
        if (_entry.Length < n)
        {
            _entry = new int[Math.Max(n, _entry.Length * 3 / 2)];
            _row = new int[_entry.Length];
        }
        Array.Clear(_start, 0, width + 1);
        var latent = codes.Latent;
        var rowStart = codes.RowStart;
        for (int r = 0; r < codes.Rows; r++)
            for (int e = rowStart[r]; e < rowStart[r + 1]; e++)
            {
                _row[e] = r;
                _start[latent[e] + 1]++;
            }
        int active = 0;
        for (int j = 0; j < width; j++)
        {
            if (_start[j + 1] > 0) _active[active++] = j;
            _start[j + 1] += _start[j];
        }
        ActiveCount = active;
        EntryCount = n;
        // Place entries using a moving cursor per latent; scanning entries in order keeps each group in row order.
        Array.Copy(_start, _cursor, width);
        for (int e = 0; e < n; e++) _entry[_cursor[latent[e]]++] = e;
    }
}
