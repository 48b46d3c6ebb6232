namespace ProbeMonitor.Probes;

/// <summary>Everything an <see cref="SaeProbe"/> needs to encode its k latents from a residual-stream vector and score them.</summary>
/// <param name="LatentIds">The k chosen latent indices in the SAE (distinct, non-negative).</param>
/// <param name="Encoder">The encoder columns W_enc[:, ids], stored transposed as [k, d_in] row-major.</param>
/// <param name="EncoderBias">b_enc[ids] [k].</param>
/// <param name="Thresholds">JumpReLU thresholds[ids] [k]; all zero for ReLU and TopK SAEs.</param>
/// <param name="DecoderBias">The SAE's b_dec [d_in].</param>
/// <param name="ApplyDecoderBiasToInput">Whether the SAE encodes x − b_dec rather than x (SAELens' apply_b_dec_to_input).</param>
/// <param name="Activation">The SAE's activation function; see <see cref="SaeActivation.TopK"/> for how TopK is served.</param>
/// <param name="Weights">The probe's weights on the k features [k].</param>
/// <param name="Bias">The probe's bias.</param>
/// <param name="LatentMean">Per-latent mean [k] subtracted before scaling, or null (then LatentScale must be null too).</param>
/// <param name="LatentScale">Per-latent scale [k] divided by, or null (then LatentMean must be null too).</param>
/// <param name="Binarize">Whether each feature is 1 when its latent fires (&gt; 0) and 0 otherwise, applied before the normalisation.</param>
public sealed record SaeProbeWeights(
    int[] LatentIds,
    float[] Encoder,
    float[] EncoderBias,
    float[] Thresholds,
    float[] DecoderBias,
    bool ApplyDecoderBiasToInput,
    SaeActivation Activation,
    float[] Weights,
    float Bias,
    float[]? LatentMean = null,
    float[]? LatentScale = null,
    bool Binarize = false)
{
    /// <summary>The number of latents, k.</summary>
    public int LatentCount => LatentIds.Length;
}
