using System.Text.Json.Serialization;

namespace ProbeMonitor.Probes;

/// <summary>What a probe reads: the raw residual stream (dense) or a few SAE latents encoded from it (sae).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProbeKind>))]
public enum ProbeKind
{
    /// <summary>A linear probe on the (optionally standardised) residual-stream vector.</summary>
    [JsonStringEnumMemberName("dense")] Dense,

    /// <summary>A linear probe on k sparse-autoencoder latents.</summary>
    [JsonStringEnumMemberName("sae")] Sae,
}
