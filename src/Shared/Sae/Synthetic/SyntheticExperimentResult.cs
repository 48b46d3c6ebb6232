namespace ProbeMonitor.Sae.Synthetic;

/// <summary>The outcome of <see cref="SyntheticExperiment.Run"/>.</summary>
/// <param name="Options">What was run.</param>
/// <param name="Runs">One per variant, in the options' order.</param>
/// <param name="DataL0">Mean number of true features active per training sample.</param>
public sealed record SyntheticExperimentResult(SyntheticExperimentOptions Options, IReadOnlyList<SyntheticRun> Runs, double DataL0);
