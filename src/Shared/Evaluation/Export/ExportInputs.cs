using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Sae;

namespace ProbeMonitor.Evaluation.Export;

/// <summary>What <c>export</c> reads.</summary>
/// <param name="Acts">The labelled activations the probes are trained, calibrated and tested on.</param>
/// <param name="Sae">The SAE for the SAE probe, or null to export the dense probe only.</param>
/// <param name="SaeId">The SAE's id for the manifest (e.g. its release/path).</param>
/// <param name="Ood">Out-of-distribution sets for the manifest's OOD table.</param>
/// <param name="RandomSae">A random-baseline SAE of the same shape, for the manifest's random_baseline_margin, or null.</param>
public sealed record ExportInputs(ActivationSet Acts, SparseAutoencoder? Sae, string? SaeId, IReadOnlyList<ActivationSet> Ood, SparseAutoencoder? RandomSae = null);

/// <summary>Settings of <c>export</c>.</summary>
/// <param name="Task">"answerability" or "toxicity": decides the SAE probe recipe and the manifest task.</param>
/// <param name="ModelId">The model id for the manifest.</param>
/// <param name="TargetFpr">The false-positive rate the decision threshold is chosen for, on held-out negatives.</param>
/// <param name="TestFraction">Share held out for test metrics (stratified).</param>
/// <param name="CalibrationFraction">Share held out for calibration and the threshold (stratified).</param>
/// <param name="CovarianceRank">Rank of the low-rank reference covariance (capped at d and n − 1).</param>
/// <param name="Seed">Seeds splits, folds and bootstrap.</param>
/// <param name="Layer">Overrides the layer parsed from the key.</param>
/// <param name="Pooling">Overrides the pooling from the file's metadata.</param>
/// <param name="Overwrite">Replace existing bundle directories.</param>
/// <param name="BootstrapResamples">Resamples of the OOD AUC intervals.</param>
public sealed record ExportOptions(string Task, string ModelId, double TargetFpr = 0.05, double TestFraction = 0.2, double CalibrationFraction = 0.2,
    int CovarianceRank = 32, int Seed = 42, int? Layer = null, Pooling? Pooling = null, bool Overwrite = false, int BootstrapResamples = 1000);

/// <summary>Who made the bundles and how, gathered by the caller (the CLI knows its command line and checkout).</summary>
public sealed record ExportProvenance(string TrainerVersion, string? Command, string? GitCommit, DateTimeOffset CreatedUtc);
