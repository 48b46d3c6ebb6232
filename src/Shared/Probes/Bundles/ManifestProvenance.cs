namespace ProbeMonitor.Probes.Bundles;

/// <summary>One training dataset, identified by content hash.</summary>
public sealed record TrainingDataset(string Name, string Sha256, long Rows);

/// <summary>The file holding the bundle's tensors and its SHA-256 (lower-case hex).</summary>
public sealed record ManifestWeights(string File, string Sha256);

/// <summary>Who made a bundle and how.</summary>
/// <param name="CreatedUtc">When it was written.</param>
/// <param name="TrainerVersion">The trainer's version.</param>
/// <param name="Command">The command line that produced it.</param>
/// <param name="GitCommit">The source commit of the trainer.</param>
public sealed record ManifestProvenance(DateTimeOffset CreatedUtc, string TrainerVersion, string? Command = null, string? GitCommit = null);
