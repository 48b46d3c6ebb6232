namespace ProbeMonitor.Sae.Training;

/// <summary>The latents a batch uses, row by row (compressed sparse rows): ids ascending within each row, their activations, and per-entry gradients.</summary>
/// <remarks>Buffers grow as needed and are reused across steps, so a training run allocates them once.</remarks>
internal sealed class SparseCodes
{
    private int[] _rowStart = [0];
    private int[] _latent = [];
    private float[] _value = [];
    private float[] _grad = [];

    /// <summary>Writes one row's entries into the given spans (ids ascending) and returns how many it wrote.</summary>
    public delegate int RowFiller(int row, Span<int> latents, Span<float> values);

    /// <summary>Counts one row's entries.</summary>
    public delegate int RowCounter(int row);

    /// <summary>Rows in the batch.</summary>
    public int Rows { get; private set; }

    /// <summary>Total entries.</summary>
    public int Count => _rowStart[Rows];

    /// <summary>Entry range of each row: row r owns [RowStart[r], RowStart[r+1]).</summary>
    public int[] RowStart => _rowStart;

    /// <summary>Latent id of each entry.</summary>
    public int[] Latent => _latent;

    /// <summary>Activation (or other per-entry value) of each entry.</summary>
    public float[] Value => _value;

    /// <summary>Gradient slot of each entry: ∂L/∂f, then ∂L/∂pre once the architecture has applied its activation's derivative.</summary>
    public float[] Grad => _grad;

    /// <summary>Empties the codes for a batch of <paramref name="rows"/> rows.</summary>
    public void Clear(int rows)
    {
        EnsureRows(rows);
        Rows = rows;
        Array.Clear(_rowStart, 0, rows + 1);
    }

    /// <summary>Fills rows whose entry count is at most <paramref name="capacity"/> (TopK-style), in parallel, then packs them; <paramref name="rowCost"/> is the work per row.</summary>
    public void BuildBounded(int rows, int capacity, long rowCost, RowFiller fill)
    {
        EnsureRows(rows);
        EnsureEntries((long)rows * capacity);
        Rows = rows;
        var counts = _rowStart;
        RowParallel.For(rows, rowCost, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
                counts[r + 1] = fill(r, _latent.AsSpan(r * capacity, capacity), _value.AsSpan(r * capacity, capacity));
        });
        // Pack in place: row r's entries move down to the running total, which never exceeds r·capacity.
        int total = 0;
        for (int r = 0; r < rows; r++)
        {
            int n = counts[r + 1];
            if (total != r * capacity)
            {
                Array.Copy(_latent, r * capacity, _latent, total, n);
                Array.Copy(_value, r * capacity, _value, total, n);
            }
            counts[r] = total;
            total += n;
        }
        counts[rows] = total;
    }

    /// <summary>Counts each row's entries, then fills them, both in parallel (threshold activations, whose count is a cheap scan); <paramref name="rowCost"/> is the work per row.</summary>
    public void Build(int rows, long rowCost, RowCounter count, RowFiller fill)
    {
        EnsureRows(rows);
        Rows = rows;
        var starts = _rowStart;
        RowParallel.For(rows, rowCost, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++) starts[r + 1] = count(r);
        });
        starts[0] = 0;
        for (int r = 0; r < rows; r++) starts[r + 1] += starts[r];
        EnsureEntries(starts[rows]);
        RowParallel.For(rows, rowCost, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                int s = starts[r], n = starts[r + 1] - s;
                int written = fill(r, _latent.AsSpan(s, n), _value.AsSpan(s, n));
                if (written != n) throw new InvalidOperationException($"sparse codes: row {r} counted {n} entries but filled {written}.");
            }
        });
    }

    private void EnsureRows(int rows)
    {
        if (_rowStart.Length < rows + 1) _rowStart = new int[rows + 1];
    }

    private void EnsureEntries(long entries)
    {
        if (entries > Array.MaxLength) throw new InvalidOperationException($"sparse codes: {entries} entries exceed the largest array.");
        if (_latent.Length >= entries) return;
        int size = (int)Math.Min(Array.MaxLength, Math.Max(entries, _latent.Length * 3L / 2));
        _latent = new int[size];
        _value = new float[size];
        _grad = new float[size];
    }
}
