using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ProbeMonitor.Formats;

namespace ProbeMonitor.Sae;

/// <summary>Reads and writes SAELens <c>cfg.json</c>, in both the flat pre-6.0 layout and the 6.x layout with a nested "metadata" object.</summary>
/// <remarks>
/// Writing always uses the flat layout, which every SAELens version reads (6.x converts it on load). The writer-version fields
/// (sae_lens_version, sae_lens_training_version) are not carried over: a 6.x version stamp on a flat file would stop SAELens
/// from converting it.
/// </remarks>
public static partial class SaeLensConfigJson
{
    private static readonly string[] Known =
    [
        "architecture", "d_in", "d_sae", "k", "activation_fn", "activation_fn_str", "activation_fn_kwargs", "apply_b_dec_to_input",
        "normalize_activations", "norm_scaling_factor", "model_name", "hook_name", "hook_point", "hook_layer", "hook_point_layer", "dtype",
        "metadata", "meta", "sae_lens_version", "sae_lens_training_version",
    ];

    /// <summary>Parses cfg.json text; <paramref name="source"/> names the file in errors.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="source">Path shown in error messages.</param>
    /// <param name="normScalingFactor">Factor for expected_average_only_in; overrides any norm_scaling_factor in the file.</param>
    public static SaeConfig Parse(string json, string source, double? normScalingFactor = null)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw Error(source, null, "the top level is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new TensorFormatException(source, null, $"cfg.json is not valid JSON ({e.Message})", e);
        }
        var fields = Flatten(root);

        if (OptionalBool(fields, "rescale_acts_by_decoder_norm", source) == true)
            throw Error(source, "rescale_acts_by_decoder_norm", "true is not supported: activations here are not rescaled by decoder norms");
        int dIn = RequiredInt(fields, "d_in", source);
        int dSae = RequiredInt(fields, "d_sae", source);
        var arch = ParseArchitecture(fields, source);
        int? k = OptionalInt(fields, "k", source);
        if (k is null && fields.TryGetValue("activation_fn_kwargs", out var kwargs) && kwargs is JsonObject kw && kw.ContainsKey("k"))
            k = OptionalInt(kw.ToDictionary(p => p.Key, p => p.Value), "k", source);
        if (arch != SaeArchitecture.TopK) k = null;

        var (normalize, fileFactor) = ParseNormalization(fields, source);
        double? factor = normalize == ActivationNormalization.ExpectedAverageOnlyIn ? normScalingFactor ?? fileFactor : null;
        if (normalize == ActivationNormalization.ExpectedAverageOnlyIn && factor is null)
            throw Error(source, "normalize_activations",
                "\"expected_average_only_in\" needs the dataset's norm scaling factor, which SAELens keeps outside cfg.json; pass it explicitly or add norm_scaling_factor");

        string? hookName = OptionalString(fields, "hook_name", source) ?? OptionalString(fields, "hook_point", source);
        int? hookLayer = OptionalInt(fields, "hook_layer", source) ?? OptionalInt(fields, "hook_point_layer", source);
        if (hookLayer is null && hookName is not null && BlockIndex().Match(hookName) is { Success: true } m)
            hookLayer = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);

        var extra = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in fields)
            if (!Known.Contains(key)) extra[key] = value?.DeepClone();

        var config = new SaeConfig(arch, dIn, dSae)
        {
            K = k,
            ApplyBDecToInput = OptionalBool(fields, "apply_b_dec_to_input", source) ?? true,
            NormalizeActivations = normalize,
            NormScalingFactor = factor,
            ModelName = OptionalString(fields, "model_name", source),
            HookName = hookName,
            HookLayer = hookLayer,
            DType = OptionalString(fields, "dtype", source) ?? "float32",
            Extra = extra,
        };
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new TensorFormatException(source, null, e.Message, e);
        }
        return config;
    }

    /// <summary>The flat SAELens cfg.json for <paramref name="config"/>, indented.</summary>
    public static string Write(SaeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var o = new JsonObject
        {
            ["architecture"] = config.Architecture switch
            {
                SaeArchitecture.JumpRelu => "jumprelu",
                SaeArchitecture.TopK => "topk",
                _ => "standard",
            },
            ["d_in"] = config.DIn,
            ["d_sae"] = config.DSae,
            ["dtype"] = config.DType,
            ["apply_b_dec_to_input"] = config.ApplyBDecToInput,
            ["normalize_activations"] = config.NormalizeActivations == ActivationNormalization.None ? "none" : "expected_average_only_in",
        };
        if (config.NormScalingFactor is { } s) o["norm_scaling_factor"] = s;
        if (config.K is { } k)
        {
            o["k"] = k;
            o["activation_fn"] = "topk";
            o["activation_fn_kwargs"] = new JsonObject { ["k"] = k };
        }
        else o["activation_fn"] = "relu";
        if (config.ModelName is not null) o["model_name"] = config.ModelName;
        if (config.HookName is not null) o["hook_name"] = config.HookName;
        if (config.HookLayer is { } layer) o["hook_layer"] = layer;
        foreach (var (key, value) in config.Extra.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (!o.ContainsKey(key) && !Known.Contains(key)) o[key] = value?.DeepClone();
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Top-level fields, with those of a 6.x "metadata" (or "meta") object lifted beside them; top level wins.</summary>
    private static Dictionary<string, JsonNode?> Flatten(JsonObject root)
    {
        var fields = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in root) fields[key] = value;
        foreach (var nested in new[] { "metadata", "meta" })
            if (root[nested] is JsonObject meta)
                foreach (var (key, value) in meta)
                    fields.TryAdd(key, value);
        return fields;
    }

    private static SaeArchitecture ParseArchitecture(Dictionary<string, JsonNode?> f, string source)
    {
        string arch = OptionalString(f, "architecture", source) ?? "standard";
        string activation = OptionalString(f, "activation_fn", source) ?? OptionalString(f, "activation_fn_str", source) ?? "relu";
        return arch switch
        {
            "jumprelu" => SaeArchitecture.JumpRelu,
            "topk" => SaeArchitecture.TopK,
            "standard" or "relu" when activation == "topk" => SaeArchitecture.TopK,
            "standard" or "relu" when activation == "relu" => SaeArchitecture.Relu,
            "standard" or "relu" => throw Error(source, "activation_fn", $"activation '{activation}' is not supported (relu or topk)"),
            _ => throw Error(source, "architecture", $"'{arch}' is not supported (jumprelu, topk, or standard/relu)"),
        };
    }

    private static (ActivationNormalization, double?) ParseNormalization(Dictionary<string, JsonNode?> f, string source)
    {
        double? factor = null;
        if (f.TryGetValue("norm_scaling_factor", out var sf) && sf is not null)
            factor = sf.GetValueKind() == JsonValueKind.Number ? sf.GetValue<double>() : throw Error(source, "norm_scaling_factor", $"must be a number, got {sf.ToJsonString()}");
        if (!f.TryGetValue("normalize_activations", out var node) || node is null) return (ActivationNormalization.None, factor);
        return node.GetValueKind() switch
        {
            // SAELens before 3.x stored a bool; true meant the April-update scaling.
            JsonValueKind.False => (ActivationNormalization.None, factor),
            JsonValueKind.True => (ActivationNormalization.ExpectedAverageOnlyIn, factor),
            JsonValueKind.String => node.GetValue<string>() switch
            {
                "none" => (ActivationNormalization.None, null),
                "expected_average_only_in" => (ActivationNormalization.ExpectedAverageOnlyIn, factor),
                var other => throw Error(source, "normalize_activations", $"'{other}' is not supported (none or expected_average_only_in)"),
            },
            _ => throw Error(source, "normalize_activations", $"must be a string, got {node.ToJsonString()}"),
        };
    }

    private static int RequiredInt(Dictionary<string, JsonNode?> f, string name, string source) =>
        OptionalInt(f, name, source) ?? throw Error(source, name, "is required");

    private static int? OptionalInt(Dictionary<string, JsonNode?> f, string name, string source)
    {
        if (!f.TryGetValue(name, out var node) || node is null) return null;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var i)) return i;
        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue)
            return (int)d;
        throw Error(source, name, $"must be an integer, got {node.ToJsonString()}");
    }

    private static bool? OptionalBool(Dictionary<string, JsonNode?> f, string name, string source)
    {
        if (!f.TryGetValue(name, out var node) || node is null) return null;
        return node.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(source, name, $"must be true or false, got {node.ToJsonString()}"),
        };
    }

    private static string? OptionalString(Dictionary<string, JsonNode?> f, string name, string source)
    {
        if (!f.TryGetValue(name, out var node) || node is null) return null;
        return node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw Error(source, name, $"must be a string, got {node.ToJsonString()}");
    }

    private static TensorFormatException Error(string source, string? field, string problem) =>
        new(source, null, field is null ? $"cfg.json: {problem}" : $"cfg.json field '{field}' {problem}");

    [GeneratedRegex(@"^blocks\.(\d+)\.")]
    private static partial Regex BlockIndex();
}
