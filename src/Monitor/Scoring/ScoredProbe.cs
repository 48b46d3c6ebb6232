using ProbeMonitor.Probes;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>One probe's verdict on one request.</summary>
/// <param name="ProbeId">The probe.</param>
/// <param name="Task">What it detects.</param>
/// <param name="Kind">Dense or SAE.</param>
/// <param name="Logit">The uncalibrated probe output.</param>
/// <param name="Probability">The calibrated probability of the positive class.</param>
/// <param name="Decision">Probability ≥ threshold.</param>
/// <param name="Threshold">The bundle's decision threshold.</param>
/// <param name="MahalanobisSquared">d² of the activation under the probe's reference covariance, when the bundle has one.</param>
/// <param name="IsOod">Whether d² exceeds the reference's 99th percentile (null without a covariance model).</param>
/// <param name="FiringLatents">For SAE probes asked to explain: the firing latents with the largest effect on the logit.</param>
public sealed record ScoredProbe(
    string ProbeId,
    string Task,
    ProbeKind Kind,
    float Logit,
    double Probability,
    bool Decision,
    double Threshold,
    double? MahalanobisSquared,
    bool? IsOod,
    IReadOnlyList<FiringLatent>? FiringLatents);

/// <summary>A latent that fired for a request, and how much it moved the SAE probe's logit.</summary>
/// <param name="LatentId">The SAE latent index.</param>
/// <param name="Activation">Its activation.</param>
/// <param name="MarginOverThreshold">Activation minus its JumpReLU threshold (the activation itself for ReLU/TopK SAEs).</param>
/// <param name="Contribution">Its firing's effect on the logit: w/scale times the feature (1 when binarised, else the activation).</param>
public sealed record FiringLatent(int LatentId, float Activation, float MarginOverThreshold, double Contribution);
