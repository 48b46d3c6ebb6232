using ProbeMonitor.Sae;

namespace ProbeMonitor.Evaluation;

/// <summary>Sequence-level SAE features from per-token latents (MOSAIC, Gallifant et al. 2025): pooled latent values and top-n one-hot counts.</summary>
/// <param name="Pooled">SAE latents pooled over each sequence's tokens, by pooling ("last", "mean", "max").</param>
/// <param name="TopNCounts">For each n: how many of the sequence's tokens have the latent among their n most active (summed one-hots).</param>
public sealed record TokenLatentFeatures(IReadOnlyDictionary<string, LatentMatrix> Pooled, IReadOnlyDictionary<int, LatentMatrix> TopNCounts)
{
    /// <summary>The poolings computed.</summary>
    public static IReadOnlyList<string> Poolings { get; } = ["last", "mean", "max"];

    /// <summary>Encodes every token of every sequence with the SAE and pools.</summary>
    /// <remarks>MOSAIC takes numpy's argpartition of the dense row, so a token with fewer than n active latents also "selects"
    /// some zero-valued ones arbitrarily; here only active (positive) latents count, so a token contributes at most its L0.</remarks>
    public static TokenLatentFeatures Compute(SparseAutoencoder sae, TokenSequences tokens, IReadOnlyList<int> topN)
    {
        ArgumentNullException.ThrowIfNull(sae);
        if (sae.DIn != tokens.Dim) throw new ArgumentException($"the SAE reads d_in = {sae.DIn} but the token activations have d = {tokens.Dim}.");
        var pooled = Poolings.ToDictionary(p => p, _ => new List<SparseLatents>(tokens.Count));
        var counts = topN.Distinct().ToDictionary(n => n, _ => new List<SparseLatents>(tokens.Count));
        var acc = new Dictionary<int, (float Sum, float Max, int Count)>();
        var topCount = topN.Distinct().ToDictionary(n => n, _ => new Dictionary<int, int>());
        for (int i = 0; i < tokens.Count; i++)
        {
            int len = tokens.Lengths[i];
            var rows = sae.EncodeSparse(tokens.Sequence(i), len);
            acc.Clear();
            foreach (var c in topCount.Values) c.Clear();
            foreach (var row in rows)
            {
                for (int e = 0; e < row.Count; e++)
                {
                    var (sum, max, count) = acc.GetValueOrDefault(row.Indices[e]);
                    acc[row.Indices[e]] = (sum + row.Values[e], Math.Max(max, row.Values[e]), count + 1);
                }
                foreach (var (n, c) in topCount)
                    foreach (int j in TopActive(row, n)) c[j] = c.GetValueOrDefault(j) + 1;
            }
            pooled["last"].Add(rows[^1]);
            pooled["mean"].Add(Sparse(acc.Select(kv => (kv.Key, kv.Value.Sum / len))));
            pooled["max"].Add(Sparse(acc.Select(kv => (kv.Key, kv.Value.Max))));
            foreach (var (n, c) in topCount) counts[n].Add(Sparse(c.Select(kv => (kv.Key, (float)kv.Value))));
        }
        return new TokenLatentFeatures(
            pooled.ToDictionary(kv => kv.Key, kv => LatentMatrix.FromRows(kv.Value, sae.DSae)),
            counts.ToDictionary(kv => kv.Key, kv => LatentMatrix.FromRows(kv.Value, sae.DSae)));
    }

    /// <summary>The ids of the n largest positive activations of a row (ties: lower id).</summary>
    public static IEnumerable<int> TopActive(SparseLatents row, int n) =>
        Enumerable.Range(0, row.Count).Where(e => row.Values[e] > 0).OrderByDescending(e => row.Values[e]).ThenBy(e => row.Indices[e])
            .Take(n).Select(e => row.Indices[e]);

    private static SparseLatents Sparse(IEnumerable<(int Id, float Value)> entries)
    {
        var sorted = entries.Where(e => e.Value != 0).OrderBy(e => e.Id).ToArray();
        return sorted.Length == 0 ? SparseLatents.Empty : new SparseLatents(sorted.Select(e => e.Id).ToArray(), sorted.Select(e => e.Value).ToArray());
    }
}
