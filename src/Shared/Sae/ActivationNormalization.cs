namespace ProbeMonitor.Sae;

/// <summary>How inputs are rescaled before encoding (SAELens <c>normalize_activations</c>).</summary>
public enum ActivationNormalization
{
    /// <summary>Inputs are used as given ("none").</summary>
    None,

    /// <summary>
    /// Inputs are multiplied by a constant scaling factor before encoding and reconstructions divided by it
    /// ("expected_average_only_in"): the factor makes the training set's mean input norm √d_in.
    /// </summary>
    ExpectedAverageOnlyIn,
}
