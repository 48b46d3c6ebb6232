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
