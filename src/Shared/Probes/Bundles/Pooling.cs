using System.Text.Json.Serialization;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>How a sequence of per-token activations becomes the one vector a probe scores.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Pooling>))]
public enum Pooling
{
    /// <summary>The last token's activation.</summary>
    [JsonStringEnumMemberName("last")] Last,

    /// <summary>The mean over tokens.</summary>
    [JsonStringEnumMemberName("mean")] Mean,

    /// <summary>The element-wise maximum over tokens.</summary>
    [JsonStringEnumMemberName("max")] Max,
}
