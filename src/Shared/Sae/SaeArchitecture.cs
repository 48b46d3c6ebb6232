namespace ProbeMonitor.Sae;

/// <summary>How an SAE turns pre-activations into latent activations.</summary>
public enum SaeArchitecture
{
    /// <summary>relu(pre) kept only where pre is strictly above a per-latent threshold (Gemma Scope; SAELens "jumprelu").</summary>
    JumpRelu,

    /// <summary>The k largest pre-activations per row, then ReLU; everything else zero (SAELens "topk").</summary>
    TopK,

    /// <summary>Plain relu(pre) (SAELens "standard").</summary>
    Relu,
}

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
