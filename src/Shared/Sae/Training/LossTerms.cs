namespace ProbeMonitor.Sae.Training;

/// <summary>One step's loss, term by term, and the batch's mean L0.</summary>
/// <param name="Mse">mean over tokens of ‖x̂ − x‖² (normalised space).</param>
/// <param name="Sparsity">λ·L1 (ReLU, decoder-norm weighted) or λ·L0 (JumpReLU); 0 for TopK.</param>
/// <param name="Aux">α·AuxK loss (TopK); 0 otherwise.</param>
/// <param name="L0">Mean active latents per token.</param>
public readonly record struct LossTerms(double Mse, double Sparsity, double Aux, double L0)
{
    /// <summary>The loss being minimised.</summary>
    public double Total => Mse + Sparsity + Aux;
}
