using System.Text.Json;
using ProbeMonitor.Model;

namespace ProbeMonitor.Monitor.EmbeddedDefault;

/// <summary>checkpoint.json beside the embedded default's config.json: how its weights are generated and the hash they must have.</summary>
/// <param name="ModelId">The model id probe manifests name.</param>
/// <param name="Seed">The seed of <see cref="RandomCheckpoint.Write"/>.</param>
/// <param name="Precision">The stored precision of the weights.</param>
/// <param name="HookLayer">The layer whose resid_post the committed probes read.</param>
/// <param name="ModelSha256">Lower-case hex SHA-256 of the generated model.safetensors.</param>
public sealed record EmbeddedCheckpoint(string ModelId, ulong Seed, WeightPrecision Precision, int HookLayer, string ModelSha256)
{
    /// <summary>The file name.</summary>
    public const string FileName = "checkpoint.json";

    /// <summary>Reads and checks the file; every missing or malformed field is named.</summary>
    /// <exception cref="InvalidDataException">The JSON is malformed or a field is missing or of the wrong kind.</exception>
    public static EmbeddedCheckpoint Load(string path)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: invalid JSON: {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object.");
            string modelId = String(root, "model_id", path);
            ulong seed = root.TryGetProperty("seed", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetUInt64(out ulong v)
                ? v : throw new InvalidDataException($"{path}: 'seed' must be a non-negative integer.");
            var precision = String(root, "dtype", path) switch
            {
                "f32" => WeightPrecision.F32,
                "bf16" => WeightPrecision.BF16,
                "f16" => WeightPrecision.F16,
                var other => throw new InvalidDataException($"{path}: 'dtype' is '{other}'; expected f32, bf16 or f16."),
            };
            int layer = root.TryGetProperty("hook_layer", out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out int li) && li >= 0
                ? li : throw new InvalidDataException($"{path}: 'hook_layer' must be a non-negative integer.");
            string hash = String(root, "model_safetensors_sha256", path);
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
                throw new InvalidDataException($"{path}: 'model_safetensors_sha256' must be 64 lower-case hex digits, got '{hash}'.");
            return new EmbeddedCheckpoint(modelId, seed, precision, layer, hash);
        }
    }

    private static string String(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s : throw new InvalidDataException($"{path}: '{name}' must be a non-empty string.");
}
