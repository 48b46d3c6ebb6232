namespace ProbeMonitor.Sae.Synthetic;

/// <summary>The ground truth of a synthetic SAE experiment: how many features, in what dimension, how often and how together they fire.</summary>
public sealed record SyntheticFeatureOptions
{
    /// <summary>Number of true features F.</summary>
    public int Features { get; init; } = 2048;

    /// <summary>Activation dimension D (F &gt; D puts the features in superposition).</summary>
    public int Dim { get; init; } = 64;

    /// <summary>Expected number of active features per sample (the ground truth's L0).</summary>
    public double Sparsity { get; init; } = 8;

    /// <summary>Firing probabilities follow p_i ∝ (i+1)^−exponent (Zipf-like: a few common features, a long tail of rare ones).</summary>
    public double PowerLawExponent { get; init; } = 1.0;

    /// <summary>
    /// Within-group co-firing, in [0, 1]: each group has a shared event; a member joins it with this probability
    /// (independent firing tops up each feature to its marginal frequency). 0 makes features independent.
    /// </summary>
    public double Correlation { get; init; }

    /// <summary>Features per correlated group (consecutive ids after a random shuffle).</summary>
    public int GroupSize { get; init; } = 4;

    /// <summary>Standard deviation of isotropic Gaussian noise added to every sample (0 for none).</summary>
    public double Noise { get; init; }

    /// <summary>Seed for directions, groups and samples.</summary>
    public int Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (Features <= 0) throw new ArgumentException($"synthetic data: --features must be positive, got {Features}.");
        if (Dim <= 0) throw new ArgumentException($"synthetic data: --dim must be positive, got {Dim}.");
        if ((long)Features * Dim > Array.MaxLength) throw new ArgumentException($"synthetic data: features·dim = {(long)Features * Dim} is too large.");
        if (!(Sparsity > 0 && Sparsity <= Features))
            throw new ArgumentException($"synthetic data: --sparsity (expected active features per sample) must be in (0, features = {Features}], got {Sparsity}.");
        if (!(double.IsFinite(PowerLawExponent) && PowerLawExponent >= 0))
            throw new ArgumentException($"synthetic data: the power-law exponent must be finite and non-negative, got {PowerLawExponent}.");
        if (!(Correlation >= 0 && Correlation <= 1)) throw new ArgumentException($"synthetic data: --correlation must be in [0, 1], got {Correlation}.");
        if (GroupSize <= 0) throw new ArgumentException($"synthetic data: the group size must be positive, got {GroupSize}.");
        if (!(double.IsFinite(Noise) && Noise >= 0)) throw new ArgumentException($"synthetic data: noise must be finite and non-negative, got {Noise}.");
    }
}
