using ProbeMonitor.Model;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Model;

public sealed class GemmaConfigTests
{
    // The published google/gemma-2-2b config.json (sizes as released).
    private const string Gemma2_2B = """
    {
      "architectures": ["Gemma2ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
      "attn_logit_softcapping": 50.0, "bos_token_id": 2, "cache_implementation": "hybrid", "eos_token_id": 1,
      "final_logit_softcapping": 30.0, "head_dim": 256, "hidden_act": "gelu_pytorch_tanh",
      "hidden_activation": "gelu_pytorch_tanh", "hidden_size": 2304, "initializer_range": 0.02,
      "intermediate_size": 9216, "max_position_embeddings": 8192, "model_type": "gemma2",
      "num_attention_heads": 8, "num_hidden_layers": 26, "num_key_value_heads": 4, "pad_token_id": 0,
      "query_pre_attn_scalar": 256, "rms_norm_eps": 1e-06, "rope_theta": 10000.0, "sliding_window": 4096,
      "torch_dtype": "float32", "transformers_version": "4.42.4", "use_cache": true, "vocab_size": 256000
    }
    """;

    [Fact]
    public void Parses_the_released_2B_config_with_even_layers_sliding()
    {
        var c = GemmaConfig.Parse(Gemma2_2B);
        Assert.Equal((256000, 2304, 9216, 26, 8, 4, 256), (c.VocabSize, c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.NumAttentionHeads, c.NumKeyValueHeads, c.HeadDim));
        Assert.Equal(2, c.GroupSize);
        Assert.Equal((50.0, 30.0, 4096, 256.0), (c.AttnLogitSoftcapping, c.FinalLogitSoftcapping, c.SlidingWindow, c.QueryPreAttnScalar));
        // HF: is_sliding = not bool(layer_idx % 2).
        Assert.True(c.IsSliding(0));
        Assert.False(c.IsSliding(1));
        Assert.True(c.IsSliding(24));
        Assert.False(c.IsSliding(25));
    }

    [Fact]
    public void Layer_types_override_the_parity_rule_and_null_caps_disable()
    {
        var c = GemmaConfig.Parse("""
        { "architectures": ["Gemma2ForCausalLM"], "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16,
          "num_hidden_layers": 3, "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 4,
          "layer_types": ["full_attention", "sliding_attention", "sliding_attention"],
          "attn_logit_softcapping": null, "final_logit_softcapping": null, "sliding_window": 7 }
        """);
        Assert.Equal([false, true, true], c.SlidingLayers);
        Assert.Null(c.AttnLogitSoftcapping);
        Assert.Null(c.FinalLogitSoftcapping);
        Assert.Equal(7, c.SlidingWindow);
    }

    [Fact]
    public void Round_trips_through_json()
    {
        var c = TinyGemma.Config(explicitLayerTypes: true) with { FinalLogitSoftcapping = null };
        var back = GemmaConfig.Parse(c.ToJson());
        Assert.Equal(c.SlidingLayers, back.SlidingLayers);
        Assert.Equal(c with { SlidingLayers = back.SlidingLayers }, back);
    }

    [Theory]
    [InlineData("""{"architectures": ["LlamaForCausalLM"], "vocab_size": 10}""", "LlamaForCausalLM")]
    [InlineData("""{"architectures": ["Gemma2ForCausalLM"], "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "head_dim": 4, "hidden_activation": "relu"}""", "hidden_activation")]
    [InlineData("""{"architectures": ["Gemma2ForCausalLM"], "vocab_size": 10, "intermediate_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "head_dim": 4}""", "'hidden_size' is missing")]
    [InlineData("""{"architectures": ["Gemma2ForCausalLM"], "vocab_size": 10, "hidden_size": "8", "intermediate_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "head_dim": 4}""", "'hidden_size' must be an integer")]
    [InlineData("""{"architectures": ["Gemma2ForCausalLM"], "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 2, "num_attention_heads": 3, "num_key_value_heads": 2, "head_dim": 4}""", "num_key_value_heads")]
    [InlineData("""{"architectures": ["Gemma2ForCausalLM"], "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 2, "num_attention_heads": 2, "head_dim": 4, "layer_types": ["full_attention"]}""", "layer_types")]
    [InlineData("""{"architectures": ["Gemma2ForCausalLM"], "vocab_size": 10, "hidden_size": 8, "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "head_dim": 4, "layer_types": ["chunked"]}""", "layer_types[0]")]
    [InlineData("""[1, 2]""", "JSON object")]
    [InlineData("""{"architectures": """, "invalid JSON")]
    public void Bad_configs_name_the_problem(string json, string expected)
    {
        var e = Assert.Throws<ModelFormatException>(() => GemmaConfig.Parse(json, "cfg.json"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("cfg.json", e.Message);
    }
}
