using System.Text.Json.Serialization;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>The manifest.json of a probe bundle: what the probe reads, how it was trained, calibrated and validated, and its drift reference.</summary>
/// <remarks>Serialised with snake_case names by <see cref="ProbeManifestJson"/>, in the order of the schema (optional SAE fields after kind).
/// Large vectors live in weights.safetensors.</remarks>
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
    [property: JsonPropertyOrder(1)] int SchemaVersion,
    [property: JsonPropertyOrder(2)] string ProbeId,
    [property: JsonPropertyOrder(3)] string Task,
    [property: JsonPropertyOrder(4)] ProbeKind Kind,
    [property: JsonPropertyOrder(5)] ManifestModel Model,
    [property: JsonPropertyOrder(9)] ManifestCalibration Calibration,
    [property: JsonPropertyOrder(10)] ManifestDecision Decision,
    [property: JsonPropertyOrder(11)] TrainingDataset[] TrainingData,
    [property: JsonPropertyOrder(12)] ProbeMetrics Metrics,
    [property: JsonPropertyOrder(13)] OodResult[] OodTable,
    [property: JsonPropertyOrder(15)] ManifestReference Reference,
    [property: JsonPropertyOrder(16)] ManifestProvenance Provenance,
    [property: JsonPropertyOrder(6)] ManifestSae? Sae = null,
    [property: JsonPropertyOrder(7)] int[]? LatentIds = null,
    [property: JsonPropertyOrder(8)] bool Binarize = false,
    [property: JsonPropertyOrder(14)] double? RandomBaselineMargin = null,
    [property: JsonPropertyOrder(17)] ManifestWeights? Weights = null)
{
    /// <summary>The schema version this code reads and writes.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The task name of answerability (hallucination-risk) probes.</summary>
    public const string AnswerabilityTask = "answerability";

    /// <summary>The task name of toxicity probes.</summary>
    public const string ToxicityTask = "toxicity";
}
