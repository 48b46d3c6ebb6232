namespace ProbeMonitor.Sae.Training;

/// <summary>An architecture's training loss with its hand-derived gradients, evaluated on one batch.</summary>
internal abstract class SaeObjective
{
    /// <summary>The objective for the options' architecture.</summary>
    public static SaeObjective Create(SaeTrainingOptions options, int dIn) => options.Architecture switch
    {
        SaeArchitecture.TopK => new TopKObjective(options.K!.Value, options.EffectiveAuxK(dIn), options.AuxKCoefficient),
        SaeArchitecture.JumpRelu => new JumpReluObjective(options.JumpReluBandwidth),
        SaeArchitecture.Relu => new ReluL1Objective(),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Architecture, "unknown architecture"),
    };

    /// <summary>
    /// Runs forward on batch.Input and adds ∂L/∂θ into <paramref name="grads"/> for the tensors in <paramref name="trainable"/>
    /// (others are left untouched, and their gradients are not computed).
    /// </summary>
    /// <param name="batch">Holds the normalised inputs; its buffers are overwritten.</param>
    /// <param name="p">Current weights.</param>
    /// <param name="grads">Gradient accumulators, same shape as <paramref name="p"/>.</param>
    /// <param name="trainable">Which gradients to compute.</param>
    /// <param name="sparsityCoefficient">λ (ignored by TopK).</param>
    /// <param name="deadLatents">Latents currently dead, ascending (used by TopK's AuxK).</param>
    public abstract LossTerms Evaluate(TrainingBatch batch, SaeParameters p, SaeParameters grads, TrainableTensors trainable,
        double sparsityCoefficient, ReadOnlySpan<int> deadLatents);

    /// <summary>Sets touched[j] for each latent whose W_enc/W_dec gradient rows the last <see cref="Evaluate"/> may have changed.</summary>
    public virtual void MarkTouched(TrainingBatch batch, bool[] touched)
    {
        foreach (int j in batch.CodeIndex.Active) touched[j] = true;
    }
}
