namespace ProbeMonitor.Sae.Training;

/// <summary>Draws batches of rows without replacement, reshuffling at each epoch (seeded Fisher–Yates).</summary>
internal sealed class BatchSampler
{
    private readonly ActivationSource _source;
    private readonly Random _rng;
    private readonly int[] _order;
    private int _next;

    public BatchSampler(ActivationSource source, Random rng)
    {
        _source = source;
        _rng = rng;
        if (source.Rows > Array.MaxLength) throw new ArgumentException($"activations '{source.Name}': {source.Rows} rows are more than one epoch order can index.");
        _order = new int[source.Rows];
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        Shuffle();
    }

    /// <summary>Completed passes over the data.</summary>
    public int Epochs { get; private set; }

    /// <summary>Fills <paramref name="destination"/> [rows, d_in] with the next rows, each multiplied by <paramref name="scale"/>.</summary>
    public void Next(float[] destination, int rows, float scale)
    {
        int dIn = _source.DIn;
        for (int r = 0; r < rows; r++)
        {
            if (_next == _order.Length)
            {
                Epochs++;
                Shuffle();
            }
            var row = destination.AsSpan(r * dIn, dIn);
            _source.CopyRow(_order[_next++], row);
            if (scale != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(row, scale, row);
        }
    }

    private void Shuffle()
    {
        for (int i = _order.Length - 1; i > 0; i--)
        {
            int j = _rng.Next(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
        _next = 0;
    }
}
