namespace ProbeMonitor.Probes.Bundles;

/// <summary>The model location a probe reads.</summary>
/// <param name="Id">The model id, e.g. google/gemma-2-2b.</param>
/// <param name="Layer">The block index.</param>
/// <param name="HookName">The TransformerLens hook, e.g. blocks.20.hook_resid_post.</param>
/// <param name="DModel">The residual width, the probe's input dimension.</param>
/// <param name="Pooling">How token activations are pooled.</param>
public sealed record ManifestModel(string Id, int Layer, string HookName, int DModel, Pooling Pooling);

/// <summary>The sparse autoencoder an SAE probe's latents come from.</summary>
/// <param name="Id">The SAE's release/id, e.g. gemma-scope-2b-pt-res/layer_20/width_16k/average_l0_71.</param>
/// <param name="Width">The SAE's number of latents (d_sae).</param>
/// <param name="Architecture">Its activation function.</param>
/// <param name="ApplyBDecToInput">Whether it encodes x − b_dec.</param>
public sealed record ManifestSae(string Id, int Width, SaeActivation Architecture, bool ApplyBDecToInput);
