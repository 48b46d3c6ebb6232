using ProbeMonitor.Sae.Training;

namespace ProbeMonitor.Sae.Synthetic;

/// <summary>One SAE variant's scores against the ground truth.</summary>
/// <param name="Freeze">Which weights stayed random (None = fully trained).</param>
/// <param name="ExplainedVariance">1 − FVU on held-out samples, through the saved SAE's inference path.</param>
/// <param name="Recovery">Per true feature, its best decoder cosine.</param>
/// <param name="RecoveredByFrequencyQuartile">Recovered fraction among the most frequent quarter of features, the next, ..., the rarest.</param>
/// <param name="L0">Mean active latents per held-out sample.</param>
/// <param name="DeadFraction">Latents dead at the end of training.</param>
/// <param name="Seconds">Training wall time.</param>
/// <param name="Autoencoder">The trained SAE.</param>
/// <param name="Log">Its training log.</param>
public sealed record SyntheticRun(FreezeMode Freeze, double ExplainedVariance, FeatureRecovery Recovery, double[] RecoveredByFrequencyQuartile,
    double L0, double DeadFraction, double Seconds, SparseAutoencoder Autoencoder, IReadOnlyList<TrainingLogEntry> Log)
{
    /// <summary>Label used in tables and charts.</summary>
    public string Label => Freeze switch
    {
        FreezeMode.None => "trained",
        FreezeMode.Decoder => "frozen decoder",
        FreezeMode.SoftDecoder => "soft-frozen decoder",
        FreezeMode.Encoder => "frozen encoder",
        _ => Freeze.Name(),
    };
}
