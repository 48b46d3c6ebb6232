namespace ProbeMonitor.Sae.Training;

/// <summary>What a training run produced.</summary>
/// <param name="Autoencoder">The trained SAE, ready for <see cref="SaeLensDirectory.Save"/>.</param>
/// <param name="Log">The averaged log entries, in order.</param>
/// <param name="NormScalingFactor">The input scale s used (1 when not normalising).</param>
/// <param name="Tokens">Tokens trained on.</param>
/// <param name="Seconds">Wall time of the steps.</param>
public sealed record SaeTrainingResult(SparseAutoencoder Autoencoder, IReadOnlyList<TrainingLogEntry> Log, double NormScalingFactor, long Tokens, double Seconds);
