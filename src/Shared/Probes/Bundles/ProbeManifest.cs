namespace ProbeMonitor.Probes.Bundles;

/// <summary>The manifest.json of a probe bundle: what the probe reads, how it was trained, calibrated and validated, and its drift reference.</summary>
/// <remarks>Serialised with snake_case names by <see cref="ProbeManifestJson"/>. Large vectors live in weights.safetensors.</remarks>
/// <param name="SchemaVersion">The manifest schema; only <see cref="CurrentSchemaVersion"/> is understood.</param>
/// <param name="ProbeId">A unique identifier, used in metrics and error messages.</param>
/// <param name="Task"><see cref="AnswerabilityTask"/>, <see cref="ToxicityTask"/> or any other task name.</param>
/// <param name="Kind">Dense or SAE probe.</param>
/// <param name="Model">The model, layer, hook and pooling the probe reads.</param>
/// <param name="Calibration">How logits become probabilities, with the calibration error before and after.</param>
/// <param name="Decision">The threshold on the calibrated probability and the operating point it gives.</param>
/// <param name="TrainingData">The datasets the probe was trained on, with their hashes.</param>
/// <param name="Metrics">In-distribution validation and test metrics.</param>
/// <param name="OodTable">Out-of-distribution results, one row per dataset.</param>
/// <param name="Reference">Statistics of the reference (validation) distribution for drift detection.</param>
/// <param name="Provenance">Who made the bundle and how.</param>
/// <param name="Sae">The SAE an SAE probe's latents come from; null for a dense probe.</param>
/// <param name="LatentIds">The SAE latents an SAE probe reads, in the order of its weights; null for a dense probe.</param>
/// <param name="Binarize">Whether an SAE probe uses latent firing (0/1) rather than activation values.</param>
/// <param name="RandomBaselineMargin">Test AUC minus that of the same probe on random latents/directions, when measured.</param>
/// <param name="Weights">The weights file and its SHA-256; filled in by <see cref="ProbeBundleWriter"/>, required on load.</param>
public sealed record ProbeManifest(
    int SchemaVersion,
    string ProbeId,
    string Task,
    ProbeKind Kind,
    ManifestModel Model,
    ManifestCalibration Calibration,
    ManifestDecision Decision,
    TrainingDataset[] TrainingData,
    ProbeMetrics Metrics,
    OodResult[] OodTable,
    ManifestReference Reference,
    ManifestProvenance Provenance,
    ManifestSae? Sae = null,
    int[]? LatentIds = null,
    bool Binarize = false,
    double? RandomBaselineMargin = null,
    ManifestWeights? Weights = null)
{
    /// <summary>The schema version this code reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The task name of answerability (hallucination-risk) probes.</summary>
    public const string AnswerabilityTask = "answerability";

    /// <summary>The task name of toxicity probes.</summary>
    public const string ToxicityTask = "toxicity";
}
