using System.Text.Json;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>Reads and writes manifest.json with source-generated serialisation (no reflection).</summary>
public static class ProbeManifestJson
{
    /// <summary>The manifest as indented UTF-8 JSON.</summary>
    public static byte[] Serialize(ProbeManifest manifest) =>
        JsonSerializer.SerializeToUtf8Bytes(manifest, ProbeManifestJsonContext.Default.ProbeManifest);

    /// <summary>The schema_version of a manifest, read before the rest so that a newer schema is reported as such.</summary>
    /// <exception cref="JsonException">The text is not JSON, not an object, or has no integer schema_version.</exception>
    public static int ReadSchemaVersion(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        using var doc = JsonDocument.ParseValue(ref reader);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new JsonException($"the manifest must be a JSON object, not {doc.RootElement.ValueKind}");
        if (!doc.RootElement.TryGetProperty("schema_version", out var version))
            throw new JsonException("the manifest has no schema_version");
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int value))
            throw new JsonException($"schema_version must be an integer, got {version.GetRawText()}");
        return value;
    }

    /// <summary>Parses a manifest; missing required fields, nulls in non-nullable fields and unknown enum names fail.</summary>
    /// <exception cref="JsonException">The JSON is malformed or does not fit the schema.</exception>
    public static ProbeManifest Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, ProbeManifestJsonContext.Default.ProbeManifest)
        ?? throw new JsonException("the manifest is the JSON literal null");
}
