using System.Text.Json.Serialization;

namespace ProbeMonitor.Probes;

/// <summary>The activation function of the SAE an <see cref="SaeProbe"/> reads from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SaeActivation>))]
public enum SaeActivation
{
    /// <summary>JumpReLU: relu(pre) where pre &gt; threshold, else 0 (Gemma Scope, SAELens).</summary>
    [JsonStringEnumMemberName("jumprelu")] JumpRelu,

    /// <summary>Plain ReLU (SAELens "standard" SAEs).</summary>
    [JsonStringEnumMemberName("relu")] Relu,

    /// <summary>TopK. A probe sees only k of the SAE's latents, so it cannot know which latents win the full top-k;
    /// a served TopK probe therefore uses ReLU of its latents' pre-activations, a superset of the exact activations.</summary>
    [JsonStringEnumMemberName("topk")] TopK,
}
