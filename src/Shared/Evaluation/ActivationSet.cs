namespace ProbeMonitor.Evaluation;

/// <summary>One labelled activation file in memory: pooled rows [Rows, Dim], and the per-token rows when the file was extracted with <c>--pooling none</c>.</summary>
/// <param name="Name">A short dataset name for tables (the file name without extension unless given).</param>
/// <param name="Path">The file it came from.</param>
/// <param name="Sha256">SHA-256 of the file, lower-case hex, for provenance.</param>
/// <param name="Key">The tensor read, e.g. <c>blocks.12.hook_resid_post</c>.</param>
/// <param name="Features">Pooled activations [Rows, Dim], row-major; for token files, pooled with <see cref="Pooling"/>.</param>
/// <param name="Labels">0/1 labels [Rows].</param>
/// <param name="Dim">The residual width d.</param>
/// <param name="Pooling">How <see cref="Features"/> were pooled ("last", "mean", "max"), as the file says or as chosen on load.</param>
/// <param name="Tokens">The per-token activations of a <c>--pooling none</c> file, or null.</param>
/// <param name="Metadata">The file's safetensors metadata (model, pooling, …).</param>
public sealed record ActivationSet(
    string Name,
    string Path,
    string Sha256,
    string Key,
    float[] Features,
    int[] Labels,
    int Dim,
    string Pooling,
    TokenSequences? Tokens,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Number of examples.</summary>
    public int Rows => Labels.Length;

    /// <summary>Number of label-1 examples.</summary>
    public int Positives => Labels.Count(l => l == 1);

    /// <summary>The layer index parsed from a <c>blocks.L.…</c> key, or null.</summary>
    public int? Layer => ActivationFile.LayerOf(Key);

    /// <summary>A copy holding only the given rows (in that order), tokens included.</summary>
    public ActivationSet Subset(ReadOnlySpan<int> rows, string? name = null)
    {
        var features = Estimators.RowSelection.Gather(Features, Dim, rows);
        var labels = Estimators.RowSelection.Gather<int>(Labels, rows);
        return this with { Name = name ?? Name, Features = features, Labels = labels, Tokens = Tokens?.Subset(rows) };
    }

    /// <summary>The same examples with other labels (for label-noise experiments).</summary>
    public ActivationSet WithLabels(int[] labels)
    {
        if (labels.Length != Rows) throw new ArgumentException($"{Name}: {labels.Length} labels for {Rows} rows.", nameof(labels));
        return this with { Labels = labels };
    }
}
