namespace ProbeMonitor.Evaluation;

/// <summary>What a probe method may read for a set of examples: the pooled activations and labels, the per-token activations
/// when the file has them, and the SAE latents of the pooled activations when an SAE is in play.</summary>
/// <param name="Set">Activations and labels.</param>
/// <param name="Latents">SAE latents of <see cref="ActivationSet.Features"/>, row-aligned, or null without an SAE.</param>
public sealed record ProbeData(ActivationSet Set, LatentMatrix? Latents = null)
{
    /// <summary>Number of examples.</summary>
    public int Rows => Set.Rows;

    /// <summary>The labels.</summary>
    public int[] Labels => Set.Labels;

    /// <summary>The given rows of everything, in that order.</summary>
    public ProbeData Subset(ReadOnlySpan<int> rows) => new(Set.Subset(rows), Latents?.SelectRows(rows));
}
