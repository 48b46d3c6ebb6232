using System.Text.Json.Nodes;

namespace ProbeMonitor.Sae;

/// <summary>What an SAE is and where it reads the model, with SAELens cfg.json field meanings.</summary>
/// <param name="Architecture">jumprelu, topk or relu ("standard" in SAELens).</param>
/// <param name="DIn">Width of the hooked activation (d_in).</param>
/// <param name="DSae">Number of latents (d_sae).</param>
public sealed record SaeConfig(SaeArchitecture Architecture, int DIn, int DSae)
{
    /// <summary>Latents kept per row by a TopK SAE; null for other architectures.</summary>
    public int? K { get; init; }

    /// <summary>Whether b_dec is subtracted from the input before encoding. SAELens defaults to true; Gemma Scope uses false.</summary>
    public bool ApplyBDecToInput { get; init; }

    /// <summary>Input rescaling applied around the SAE.</summary>
    public ActivationNormalization NormalizeActivations { get; init; } = ActivationNormalization.None;

    /// <summary>The constant for <see cref="ActivationNormalization.ExpectedAverageOnlyIn"/>; null otherwise.</summary>
    /// <remarks>SAELens keeps this number outside cfg.json (in its release table); here it travels in cfg.json as <c>norm_scaling_factor</c>.</remarks>
    public double? NormScalingFactor { get; init; }

    /// <summary>The model the SAE was trained on, e.g. "gemma-2-2b".</summary>
    public string? ModelName { get; init; }

    /// <summary>TransformerLens hook point, e.g. "blocks.20.hook_resid_post".</summary>
    public string? HookName { get; init; }

    /// <summary>Layer index of the hook point.</summary>
    public int? HookLayer { get; init; }

    /// <summary>Storage dtype named in cfg.json ("float32", "bfloat16", ...); weights are held as float32 in memory whatever it says.</summary>
    public string DType { get; init; } = "float32";

    /// <summary>
    /// Other cfg.json fields (context_size, prepend_bos, dataset_path, neuronpedia_id, ...) kept verbatim so that a
    /// load → save round trip does not lose them. Never consulted for computation.
    /// </summary>
    public IReadOnlyDictionary<string, JsonNode?> Extra { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Architecture))
            throw new ArgumentException($"SAE config: architecture {(int)Architecture} is not a known architecture.");
        if (DIn <= 0) throw new ArgumentException($"SAE config: d_in must be positive, got {DIn}.");
        if (DSae <= 0) throw new ArgumentException($"SAE config: d_sae must be positive, got {DSae}.");
        if ((long)DIn * DSae > Array.MaxLength)
            throw new ArgumentException($"SAE config: d_in·d_sae = {(long)DIn * DSae} exceeds the largest array this runtime can hold.");
        if (Architecture == SaeArchitecture.TopK)
        {
            if (K is not { } k) throw new ArgumentException("SAE config: k is required for a topk SAE.");
            if (k <= 0 || k > DSae) throw new ArgumentException($"SAE config: k must be in 1..d_sae ({DSae}), got {k}.");
        }
        else if (K is not null)
            throw new ArgumentException($"SAE config: k is only meaningful for topk, but architecture is {Architecture}.");

        switch (NormalizeActivations)
        {
            case ActivationNormalization.None when NormScalingFactor is not null:
                throw new ArgumentException("SAE config: norm_scaling_factor is set but normalize_activations is \"none\".");
            case ActivationNormalization.ExpectedAverageOnlyIn when NormScalingFactor is not { } s || !double.IsFinite(s) || s <= 0:
                throw new ArgumentException(
                    $"SAE config: normalize_activations \"expected_average_only_in\" needs a finite positive norm_scaling_factor, got {NormScalingFactor?.ToString() ?? "none"}.");
            case ActivationNormalization.None or ActivationNormalization.ExpectedAverageOnlyIn:
                break;
            default:
                throw new ArgumentException($"SAE config: normalize_activations {(int)NormalizeActivations} is not known.");
        }
        if (HookLayer is < 0) throw new ArgumentException($"SAE config: hook_layer must be non-negative, got {HookLayer}.");
    }
}
