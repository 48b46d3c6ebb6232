namespace ProbeMonitor.Probes.Bundles;

/// <summary>The names of the probe tensors in weights.safetensors; reference tensors are named by the manifest.</summary>
public static class BundleTensorNames
{
    /// <summary>Probe weights: [d_model] for dense, [k] for SAE probes.</summary>
    public const string Weight = "probe.weight";

    /// <summary>Probe bias, [1].</summary>
    public const string Bias = "probe.bias";

    /// <summary>Dense standardisation mean [d_model], optional (with <see cref="InputScale"/>).</summary>
    public const string InputMean = "probe.input_mean";

    /// <summary>Dense standardisation scale [d_model], optional (with <see cref="InputMean"/>).</summary>
    public const string InputScale = "probe.input_scale";

    /// <summary>SAE latent normalisation mean [k], optional (with <see cref="LatentScale"/>).</summary>
    public const string LatentMean = "probe.latent_mean";

    /// <summary>SAE latent normalisation scale [k], optional (with <see cref="LatentMean"/>).</summary>
    public const string LatentScale = "probe.latent_scale";

    /// <summary>The SAE latent ids [k] as I64, which must equal the manifest's latent_ids.</summary>
    public const string LatentIds = "sae.latent_ids";

    /// <summary>W_enc[:, ids] transposed, [k, d_model].</summary>
    public const string Encoder = "sae.encoder";

    /// <summary>b_enc[ids], [k].</summary>
    public const string EncoderBias = "sae.encoder_bias";

    /// <summary>JumpReLU thresholds[ids], [k] (zeros for ReLU and TopK).</summary>
    public const string Threshold = "sae.threshold";

    /// <summary>The SAE's b_dec, [d_model].</summary>
    public const string DecoderBias = "sae.decoder_bias";

    /// <summary>The conventional name of the reference activation mean [d_model].</summary>
    public const string ActivationMean = "reference.activation_mean";

    /// <summary>The conventional name of the reference covariance components [r, d_model].</summary>
    public const string CovarianceComponents = "reference.covariance_components";

    /// <summary>Every fixed probe tensor name, which reference tensors must not reuse.</summary>
    public static IReadOnlyList<string> ProbeTensors { get; } =
        [Weight, Bias, InputMean, InputScale, LatentMean, LatentScale, LatentIds, Encoder, EncoderBias, Threshold, DecoderBias];
}
