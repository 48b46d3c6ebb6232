namespace ProbeMonitor.Sae;

/// <summary>Streams over a dataset's latent codes, counting how often each latent fires (is non-zero).</summary>
/// <remarks>
/// A dead latent is one that never fired over everything added; rates are counts over rows seen.
/// Not thread-safe: give each worker its own counter and <see cref="Merge"/> them.
/// </remarks>
public sealed class LatentFiringCounter
{
    private readonly long[] _counts;

    /// <summary>A counter for an SAE with <paramref name="dSae"/> latents.</summary>
    public LatentFiringCounter(int dSae)
    {
        if (dSae <= 0) throw new ArgumentOutOfRangeException(nameof(dSae), $"firing counter: d_sae must be positive, got {dSae}.");
        _counts = new long[dSae];
    }

    /// <summary>Number of latents tracked.</summary>
    public int DSae => _counts.Length;

    /// <summary>Rows (tokens) added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Per-latent number of rows in which it fired.</summary>
    public ReadOnlySpan<long> Counts => _counts;

    /// <summary>Adds dense activations [n, d_sae].</summary>
    public void Add(ReadOnlySpan<float> acts, int n)
    {
        SparseAutoencoder.CheckBatch(acts, n, DSae, "acts");
        for (int i = 0; i < n; i++)
        {
            var row = acts.Slice(i * DSae, DSae);
            for (int j = 0; j < row.Length; j++)
                if (row[j] != 0f) _counts[j]++;
        }
        Rows += n;
    }

    /// <summary>Adds one row of sparse latents.</summary>
    public void Add(SparseLatents row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Count > 0 && row.Indices[^1] >= DSae)
            throw new ArgumentException($"firing counter: latent {row.Indices[^1]} is out of range for d_sae = {DSae}.");
        for (int i = 0; i < row.Count; i++)
            if (row.Values[i] != 0f) _counts[row.Indices[i]]++;
        Rows++;
    }

    /// <summary>Adds sparse rows.</summary>
    public void Add(IEnumerable<SparseLatents> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var r in rows) Add(r);
    }

    /// <summary>Adds another counter's tallies (e.g. from a parallel shard).</summary>
    public void Merge(LatentFiringCounter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.DSae != DSae) throw new ArgumentException($"firing counter: cannot merge d_sae {other.DSae} into {DSae}.");
        for (int j = 0; j < _counts.Length; j++) _counts[j] += other._counts[j];
        Rows += other.Rows;
    }

    /// <summary>Per-latent fraction of rows in which it fired; all NaN before any row is added.</summary>
    public double[] FiringRates()
    {
        var rates = new double[DSae];
        for (int j = 0; j < rates.Length; j++) rates[j] = Rows == 0 ? double.NaN : (double)_counts[j] / Rows;
        return rates;
    }

    /// <summary>Latents that have not fired in any row added.</summary>
    public int DeadCount => _counts.Count(0L);

    /// <summary>DeadCount / d_sae.</summary>
    public double DeadFraction => (double)DeadCount / DSae;

    /// <summary>Ids of the latents that have not fired, ascending.</summary>
    public int[] DeadLatents()
    {
        var dead = new List<int>();
        for (int j = 0; j < _counts.Length; j++)
            if (_counts[j] == 0) dead.Add(j);
        return [.. dead];
    }
}
