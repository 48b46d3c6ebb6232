namespace ProbeMonitor.Monitoring;

/// <summary>A probe's transfer risk and the four independent pieces of evidence it combines; a NaN piece was not measured.</summary>
/// <param name="Risk">The combined risk in [0, 1], NaN when the window is too small.</param>
/// <param name="ScoreShift">The largest of the score-distribution risks (PSI, KS, Wasserstein, positive-rate shift).</param>
/// <param name="ActivationOod">The risk from the share of out-of-distribution activations.</param>
/// <param name="LatentFiring">The risk from SAE latent firing-rate drift.</param>
/// <param name="Disagreement">The risk from SAE–dense disagreement.</param>
public sealed record TransferRiskAssessment(double Risk, double ScoreShift, double ActivationOod, double LatentFiring, double Disagreement);
