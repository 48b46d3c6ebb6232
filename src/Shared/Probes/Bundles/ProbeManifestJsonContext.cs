using System.Text.Json.Serialization;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>Compile-time System.Text.Json metadata for the manifest: snake_case, nulls omitted, required fields enforced.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ProbeManifest))]
internal sealed partial class ProbeManifestJsonContext : JsonSerializerContext;
