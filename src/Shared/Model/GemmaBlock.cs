namespace ProbeMonitor.Model;

/// <summary>One Gemma-2 decoder layer, sandwich-normed: r += post_attn_norm(attn(input_norm(r))); r += post_ffn_norm(mlp(pre_ffn_norm(r))).</summary>
public sealed class GemmaBlock
{
    /// <summary>Index of the layer in the model.</summary>
    public int Layer { get; }
    /// <summary>The attention sub-layer.</summary>
    public GemmaAttention Attention { get; }
    /// <summary>The feed-forward sub-layer.</summary>
    public GemmaMlp Mlp { get; }

    private readonly RmsNorm _inputNorm, _postAttentionNorm, _preFeedforwardNorm, _postFeedforwardNorm;

    /// <summary>Assembles a layer from its parts.</summary>
    public GemmaBlock(int layer, GemmaAttention attention, GemmaMlp mlp,
        RmsNorm inputNorm, RmsNorm postAttentionNorm, RmsNorm preFeedforwardNorm, RmsNorm postFeedforwardNorm)
    {
        Layer = layer;
        Attention = attention;
        Mlp = mlp;
        _inputNorm = inputNorm;
        _postAttentionNorm = postAttentionNorm;
        _preFeedforwardNorm = preFeedforwardNorm;
        _postFeedforwardNorm = postFeedforwardNorm;
    }

    /// <summary>Advances the packed residual stream in <paramref name="ws"/> through this layer.</summary>
    internal void Forward(SequenceBatch batch, ForwardWorkspace ws)
    {
        int n = batch.TotalTokens;
        float[] resid = ws.Residual, normed = ws.Normed, projected = ws.Projected;

        _inputNorm.ApplyParallel(resid, normed, n);
        Attention.Forward(normed, projected, batch, ws);
        _postAttentionNorm.ApplyParallel(projected, projected, n);
        AddInPlace(resid, projected, n * _inputNorm.Dim);

        _preFeedforwardNorm.ApplyParallel(resid, normed, n);
        Mlp.Forward(normed, projected, n, ws);
        _postFeedforwardNorm.ApplyParallel(projected, projected, n);
        AddInPlace(resid, projected, n * _inputNorm.Dim);
    }

    private static void AddInPlace(float[] target, float[] addend, int count) =>
        System.Numerics.Tensors.TensorPrimitives.Add(target.AsSpan(0, count), addend.AsSpan(0, count), target.AsSpan(0, count));
}
