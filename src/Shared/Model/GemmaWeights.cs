using System.Text.RegularExpressions;

namespace ProbeMonitor.Model;

/// <summary>A Gemma-2 checkpoint's tensors bound to their roles and checked against the config (names and shapes).</summary>
public sealed partial class GemmaWeights
{
    /// <summary>The config the tensors were checked against.</summary>
    public GemmaConfig Config { get; }
    /// <summary>model.embed_tokens.weight [vocab, d].</summary>
    public WeightTensor Embedding { get; }
    /// <summary>The bound layers: all of them, or 0..L when loading stopped at layer L.</summary>
    public IReadOnlyList<LayerWeights> Layers { get; }
    /// <summary>model.norm.weight, or null when loading stopped before the last layer.</summary>
    public WeightTensor? FinalNorm { get; }
    /// <summary>The logit projection [vocab, d]: the embedding when tied, else lm_head.weight; null when truncated.</summary>
    public WeightTensor? OutputProjection { get; }

    /// <summary>Whether every layer and the head are present, so logits can be computed.</summary>
    public bool IsComplete => FinalNorm is not null;

    private GemmaWeights(GemmaConfig config, WeightTensor embedding, IReadOnlyList<LayerWeights> layers, WeightTensor? finalNorm, WeightTensor? output)
    {
        Config = config;
        Embedding = embedding;
        Layers = layers;
        FinalNorm = finalNorm;
        OutputProjection = output;
    }

    /// <summary>The HF tensor name of a layer's parameter, e.g. <c>model.layers.3.mlp.up_proj.weight</c>.</summary>
    public static string LayerTensorName(int layer, string part) => $"model.layers.{layer}.{part}.weight";

    /// <summary>Every tensor a complete checkpoint of this config holds, with its shape, in HF naming.</summary>
    public static IEnumerable<(string Name, int[] Shape)> ExpectedTensors(GemmaConfig config)
    {
        int d = config.HiddenSize;
        yield return ("model.embed_tokens.weight", [config.VocabSize, d]);
        for (int layer = 0; layer < config.NumHiddenLayers; layer++)
            foreach (var (part, shape) in LayerParts(config))
                yield return (LayerTensorName(layer, part), shape);
        yield return ("model.norm.weight", [d]);
        if (!config.TieWordEmbeddings) yield return ("lm_head.weight", [config.VocabSize, d]);
    }

    private static (string Part, int[] Shape)[] LayerParts(GemmaConfig c)
    {
        int d = c.HiddenSize, q = c.NumAttentionHeads * c.HeadDim, kv = c.NumKeyValueHeads * c.HeadDim, ff = c.IntermediateSize;
        return
        [
            ("input_layernorm", [d]),
            ("self_attn.q_proj", [q, d]),
            ("self_attn.k_proj", [kv, d]),
            ("self_attn.v_proj", [kv, d]),
            ("self_attn.o_proj", [d, q]),
            ("post_attention_layernorm", [d]),
            ("pre_feedforward_layernorm", [d]),
            ("mlp.gate_proj", [ff, d]),
            ("mlp.up_proj", [ff, d]),
            ("mlp.down_proj", [d, ff]),
            ("post_feedforward_layernorm", [d]),
        ];
    }

    /// <summary>
    /// Binds tensors by name. With <paramref name="maxLayer"/>, only layers 0..maxLayer are required and checked; the
    /// tensors of later layers and of the head are ignored (never touched). Otherwise a missing, extra or misshapen
    /// tensor is an error naming it.
    /// </summary>
    public static GemmaWeights Bind(GemmaConfig config, IReadOnlyDictionary<string, WeightTensor> tensors, int? maxLayer = null)
    {
        int last = config.NumHiddenLayers - 1;
        if (maxLayer is { } m && (m < 0 || m > last))
            throw new ArgumentOutOfRangeException(nameof(maxLayer), $"layer {m} does not exist: the model has layers 0..{last}.");
        int lastLoaded = maxLayer ?? last;
        bool complete = lastLoaded == last && maxLayer is null;

        var expected = ExpectedTensors(config).ToDictionary(e => e.Name, e => e.Shape);
        foreach (var name in tensors.Keys.Order(StringComparer.Ordinal))
        {
            if (expected.ContainsKey(name)) continue;
            if (!complete && IsIgnorableWhenTruncated(name, lastLoaded, config.NumHiddenLayers)) continue;
            throw new ModelFormatException($"unexpected tensor '{name}' in the checkpoint: not part of a {GemmaConfig.Architecture} with this config.");
        }

        WeightTensor Get(string name)
        {
            if (!tensors.TryGetValue(name, out var t))
                throw new ModelFormatException($"tensor '{name}' is missing from the checkpoint.");
            var want = expected[name];
            if (!t.Shape.SequenceEqual(want))
                throw new ModelFormatException($"tensor '{name}' has shape [{string.Join(", ", t.Shape)}] but the config needs [{string.Join(", ", want)}].");
            return t;
        }

        var embedding = Get("model.embed_tokens.weight");
        var layers = new List<LayerWeights>();
        for (int layer = 0; layer <= lastLoaded; layer++)
        {
            WeightTensor P(string part) => Get(LayerTensorName(layer, part));
            layers.Add(new LayerWeights(
                P("input_layernorm"), P("self_attn.q_proj"), P("self_attn.k_proj"), P("self_attn.v_proj"), P("self_attn.o_proj"),
                P("post_attention_layernorm"), P("pre_feedforward_layernorm"),
                P("mlp.gate_proj"), P("mlp.up_proj"), P("mlp.down_proj"), P("post_feedforward_layernorm")));
        }
        WeightTensor? finalNorm = null, output = null;
        if (complete)
        {
            finalNorm = Get("model.norm.weight");
            output = config.TieWordEmbeddings ? embedding : Get("lm_head.weight");
        }
        return new GemmaWeights(config, embedding, layers, finalNorm, output);
    }

    /// <summary>Whether a tensor may be present but unused when loading stops at <paramref name="lastLoaded"/>.</summary>
    private static bool IsIgnorableWhenTruncated(string name, int lastLoaded, int layerCount)
    {
        if (name is "model.norm.weight" or "lm_head.weight") return true;
        var match = LayerName().Match(name);
        return match.Success && int.TryParse(match.Groups[1].Value, out int layer) && layer > lastLoaded && layer < layerCount;
    }

    [GeneratedRegex(@"^model\.layers\.(\d+)\.")]
    private static partial Regex LayerName();
}
