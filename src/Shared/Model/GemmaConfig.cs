using System.Text.Json;
using System.Text.Json.Nodes;

namespace ProbeMonitor.Model;

/// <summary>The hyper-parameters of a Hugging Face <c>Gemma2ForCausalLM</c> checkpoint, as read from its <c>config.json</c>.</summary>
/// <remarks>
/// Structural sizes are required; the rest default as <c>transformers.Gemma2Config</c> does. A null soft-cap or
/// sliding window means "off", as in HF.
/// </remarks>
public sealed record GemmaConfig
{
    /// <summary>The only architecture this engine runs.</summary>
    public const string Architecture = "Gemma2ForCausalLM";

    /// <summary>The only MLP activation Gemma-2 uses: GELU with the tanh approximation.</summary>
    public const string GeluTanh = "gelu_pytorch_tanh";

    /// <summary>Vocabulary size (rows of the embedding).</summary>
    public required int VocabSize { get; init; }
    /// <summary>Width of the residual stream, d_model.</summary>
    public required int HiddenSize { get; init; }
    /// <summary>Width of the GeGLU hidden layer.</summary>
    public required int IntermediateSize { get; init; }
    /// <summary>Number of decoder layers.</summary>
    public required int NumHiddenLayers { get; init; }
    /// <summary>Query heads.</summary>
    public required int NumAttentionHeads { get; init; }
    /// <summary>Key/value heads (grouped-query attention when fewer than query heads).</summary>
    public required int NumKeyValueHeads { get; init; }
    /// <summary>Width of one head.</summary>
    public required int HeadDim { get; init; }
    /// <summary>Attention scores are scaled by this to the power −½ (not necessarily head_dim).</summary>
    public double QueryPreAttnScalar { get; init; } = 256;
    /// <summary>Local layers let position i see j only when i − j &lt; this; null disables the window.</summary>
    public int? SlidingWindow { get; init; } = 4096;
    /// <summary>Per layer: true when the layer uses the sliding window.</summary>
    public required IReadOnlyList<bool> SlidingLayers { get; init; }
    /// <summary>cap·tanh(s/cap) on attention scores; null disables.</summary>
    public double? AttnLogitSoftcapping { get; init; } = 50.0;
    /// <summary>cap·tanh(z/cap) on output logits; null disables.</summary>
    public double? FinalLogitSoftcapping { get; init; } = 30.0;
    /// <summary>Epsilon inside the RMSNorm square root.</summary>
    public double RmsNormEps { get; init; } = 1e-6;
    /// <summary>Rotary base θ.</summary>
    public double RopeTheta { get; init; } = 10000.0;
    /// <summary>Longest sequence the model was trained for.</summary>
    public int MaxPositionEmbeddings { get; init; } = 8192;
    /// <summary>The MLP activation name; only <see cref="GeluTanh"/> is supported.</summary>
    public string HiddenActivation { get; init; } = GeluTanh;
    /// <summary>Whether the output projection reuses the embedding matrix (always so in released Gemma-2).</summary>
    public bool TieWordEmbeddings { get; init; } = true;
    /// <summary>Std of the normal initialiser (used by random checkpoints only).</summary>
    public double InitializerRange { get; init; } = 0.02;

    /// <summary>Number of query heads sharing one key/value head.</summary>
    public int GroupSize => NumAttentionHeads / NumKeyValueHeads;

    /// <summary>Whether layer <paramref name="layer"/> is a local (sliding-window) layer.</summary>
    public bool IsSliding(int layer) => SlidingLayers[layer] && SlidingWindow is not null;

    /// <summary>Reads and validates a <c>config.json</c> file.</summary>
    public static GemmaConfig Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"cannot read model config {path}: {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses and validates config JSON; <paramref name="source"/> names it in errors.</summary>
    public static GemmaConfig Parse(string json, string source = "config.json")
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject
                ?? throw new ModelFormatException($"{source}: the config must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{source}: invalid JSON: {e.Message}", e);
        }
        var r = new ConfigReader(root, source);

        if (root["architectures"] is JsonArray archs)
        {
            var names = archs.Select(a => a?.GetValueKind() == JsonValueKind.String ? a.GetValue<string>() : "?").ToList();
            if (!names.Contains(Architecture))
                throw new ModelFormatException($"{source}: unsupported architecture [{string.Join(", ", names)}]; only {Architecture} is supported.");
        }
        else if (r.OptionalString("model_type") is { } modelType && modelType != "gemma2")
            throw new ModelFormatException($"{source}: unsupported model_type '{modelType}'; only gemma2 ({Architecture}) is supported.");

        string activation = r.OptionalString("hidden_activation") ?? r.OptionalString("hidden_act") ?? GeluTanh;
        if (activation != GeluTanh)
            throw new ModelFormatException($"{source}: unsupported hidden_activation '{activation}'; Gemma-2 uses {GeluTanh}.");
        if (r.OptionalBool("attention_bias") == true)
            throw new ModelFormatException($"{source}: attention_bias=true is not supported (Gemma-2 has no projection biases).");
        if (root["rope_scaling"] is JsonNode scaling && scaling.GetValueKind() != JsonValueKind.Null)
            throw new ModelFormatException($"{source}: rope_scaling is not supported by Gemma-2.");

        int layers = r.RequiredInt("num_hidden_layers");
        int heads = r.RequiredInt("num_attention_heads");
        int kvHeads = r.OptionalInt("num_key_value_heads") ?? heads;
        if (kvHeads <= 0 || heads % kvHeads != 0)
            throw new ModelFormatException($"{source}: num_attention_heads ({heads}) must be a positive multiple of num_key_value_heads ({kvHeads}).");
        int headDim = r.RequiredInt("head_dim");
        if (headDim % 2 != 0)
            throw new ModelFormatException($"{source}: head_dim ({headDim}) must be even for rotary embeddings.");

        var config = new GemmaConfig
        {
            VocabSize = r.RequiredInt("vocab_size"),
            HiddenSize = r.RequiredInt("hidden_size"),
            IntermediateSize = r.RequiredInt("intermediate_size"),
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            HeadDim = headDim,
            QueryPreAttnScalar = r.OptionalPositiveDouble("query_pre_attn_scalar") ?? 256,
            SlidingWindow = r.IsPresent("sliding_window") ? r.NullableInt("sliding_window") : 4096,
            SlidingLayers = ReadLayerTypes(root, layers, source),
            AttnLogitSoftcapping = r.IsPresent("attn_logit_softcapping") ? r.NullablePositiveDouble("attn_logit_softcapping") : 50.0,
            FinalLogitSoftcapping = r.IsPresent("final_logit_softcapping") ? r.NullablePositiveDouble("final_logit_softcapping") : 30.0,
            RmsNormEps = r.OptionalPositiveDouble("rms_norm_eps") ?? 1e-6,
            RopeTheta = r.OptionalPositiveDouble("rope_theta") ?? 10000.0,
            MaxPositionEmbeddings = r.OptionalInt("max_position_embeddings") ?? 8192,
            HiddenActivation = activation,
            TieWordEmbeddings = r.OptionalBool("tie_word_embeddings") ?? true,
            InitializerRange = r.OptionalPositiveDouble("initializer_range") ?? 0.02,
        };
        if (config.SlidingWindow is <= 0)
            throw new ModelFormatException($"{source}: sliding_window must be positive, got {config.SlidingWindow}.");
        return config;
    }

    /// <summary>HF semantics: <c>layer_types</c> when present, else even layer indices are sliding (<c>not bool(layer_idx % 2)</c>).</summary>
    private static bool[] ReadLayerTypes(JsonObject root, int layers, string source)
    {
        if (root["layer_types"] is not JsonArray types)
            return Enumerable.Range(0, layers).Select(i => i % 2 == 0).ToArray();
        if (types.Count != layers)
            throw new ModelFormatException($"{source}: layer_types has {types.Count} entries but num_hidden_layers is {layers}.");
        var sliding = new bool[layers];
        for (int i = 0; i < layers; i++)
        {
            string? t = types[i]?.GetValueKind() == JsonValueKind.String ? types[i]!.GetValue<string>() : null;
            sliding[i] = t switch
            {
                "sliding_attention" => true,
                "full_attention" => false,
                _ => throw new ModelFormatException($"{source}: layer_types[{i}] is '{t ?? types[i]?.ToJsonString()}', expected sliding_attention or full_attention."),
            };
        }
        return sliding;
    }

    /// <summary>The config as an HF-style <c>config.json</c> document (what <see cref="Parse"/> reads back).</summary>
    public string ToJson()
    {
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(Architecture),
            ["model_type"] = "gemma2",
            ["vocab_size"] = VocabSize,
            ["hidden_size"] = HiddenSize,
            ["intermediate_size"] = IntermediateSize,
            ["num_hidden_layers"] = NumHiddenLayers,
            ["num_attention_heads"] = NumAttentionHeads,
            ["num_key_value_heads"] = NumKeyValueHeads,
            ["head_dim"] = HeadDim,
            ["query_pre_attn_scalar"] = QueryPreAttnScalar,
            ["sliding_window"] = SlidingWindow,
            ["layer_types"] = new JsonArray(SlidingLayers.Select(s => (JsonNode?)(s ? "sliding_attention" : "full_attention")).ToArray()),
            ["attn_logit_softcapping"] = AttnLogitSoftcapping,
            ["final_logit_softcapping"] = FinalLogitSoftcapping,
            ["rms_norm_eps"] = RmsNormEps,
            ["rope_theta"] = RopeTheta,
            ["max_position_embeddings"] = MaxPositionEmbeddings,
            ["hidden_activation"] = HiddenActivation,
            ["tie_word_embeddings"] = TieWordEmbeddings,
            ["initializer_range"] = InitializerRange,
        };
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Typed access to config fields with errors that name the field.</summary>
    private readonly struct ConfigReader(JsonObject root, string source)
    {
        public bool IsPresent(string name) => root.ContainsKey(name);

        private JsonNode? Node(string name) =>
            root[name] is { } n && n.GetValueKind() != JsonValueKind.Null ? n : null;

        public int RequiredInt(string name) =>
            OptionalInt(name) ?? throw new ModelFormatException($"{source}: required field '{name}' is missing.");

        public int? OptionalInt(string name)
        {
            int? v = NullableInt(name);
            if (v is <= 0) throw new ModelFormatException($"{source}: '{name}' must be positive, got {v}.");
            return v;
        }

        public int? NullableInt(string name)
        {
            if (Node(name) is not { } n) return null;
            if (n.GetValueKind() == JsonValueKind.Number && n.AsValue().TryGetValue(out int i)) return i;
            if (n.GetValueKind() == JsonValueKind.Number && n.AsValue().TryGetValue(out double d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
                return (int)d;
            throw new ModelFormatException($"{source}: '{name}' must be an integer, got {n.ToJsonString()}.");
        }

        public double? OptionalPositiveDouble(string name) => NullablePositiveDouble(name);

        public double? NullablePositiveDouble(string name)
        {
            if (Node(name) is not { } n) return null;
            if (n.GetValueKind() != JsonValueKind.Number || !n.AsValue().TryGetValue(out double d) || !double.IsFinite(d) || d <= 0)
                throw new ModelFormatException($"{source}: '{name}' must be a positive number, got {n.ToJsonString()}.");
            return d;
        }

        public bool? OptionalBool(string name)
        {
            if (Node(name) is not { } n) return null;
            return n.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ModelFormatException($"{source}: '{name}' must be true or false, got {n.ToJsonString()}."),
            };
        }

        public string? OptionalString(string name)
        {
            if (Node(name) is not { } n) return null;
            if (n.GetValueKind() != JsonValueKind.String)
                throw new ModelFormatException($"{source}: '{name}' must be a string, got {n.ToJsonString()}.");
            return n.GetValue<string>();
        }
    }
}
