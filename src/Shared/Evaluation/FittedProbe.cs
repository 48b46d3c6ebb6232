namespace ProbeMonitor.Evaluation;

/// <summary>A probe fitted on training data with its hyper-parameters chosen on validation splits; it scores new examples.</summary>
/// <param name="Method">The method name, e.g. "logreg" or "sae_binarized".</param>
/// <param name="ValAuc">Mean validation AUC of the chosen hyper-parameters (training AUC when there were too few examples to validate).</param>
/// <param name="Chosen">The chosen hyper-parameters as text.</param>
/// <param name="Score">Scores the examples of a <see cref="ProbeData"/>: larger means more likely positive.</param>
/// <param name="Threshold">Scores above it are predicted positive (0 for logits, 0.5 for probabilities).</param>
public sealed record FittedProbe(string Method, double ValAuc, string Chosen, Func<ProbeData, double[]> Score, double Threshold = 0.0)
{
    /// <summary>Latents read, for SAE probes.</summary>
    public int? K { get; init; }

    /// <summary>The latent ids read, for SAE probes.</summary>
    public int[]? Latents { get; init; }

    /// <summary>Whether an SAE probe reads binarised latents.</summary>
    public bool Binarized { get; init; }

    /// <summary>Whether this probe reads SAE latents (for the quiver-of-arrows comparison).</summary>
    public bool UsesSae { get; init; }

    /// <summary>The fitted logistic model behind the probe, when there is one (exported as a bundle).</summary>
    public Estimators.LogisticRegressionModel? Model { get; init; }

    /// <summary>Scores a data set and computes its test metrics.</summary>
    public BinaryScores Evaluate(ProbeData data) => BinaryScores.Of(Score(data), data.Labels, Threshold);
}
