using ProbeMonitor.Sae.Training;

namespace ProbeMonitor.Sae.Synthetic;

/// <summary>The synthetic ground-truth experiment's settings: the data, the SAE training template, and which variants to train.</summary>
public sealed record SyntheticExperimentOptions
{
    /// <summary>The true features.</summary>
    public SyntheticFeatureOptions Data { get; init; } = new();

    /// <summary>Training settings shared by every variant (each variant overrides only <see cref="SaeTrainingOptions.Freeze"/>).</summary>
    public required SaeTrainingOptions Training { get; init; }

    /// <summary>Training samples drawn once and shared by every variant.</summary>
    public int TrainSamples { get; init; } = 65536;

    /// <summary>Held-out samples for explained variance.</summary>
    public int EvalSamples { get; init; } = 8192;

    /// <summary>The trained SAE and the three random baselines, in report order.</summary>
    public IReadOnlyList<FreezeMode> Variants { get; init; } = [FreezeMode.None, FreezeMode.Decoder, FreezeMode.SoftDecoder, FreezeMode.Encoder];
}
