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

    /// <summary>
    /// Advances the packed residual stream in <paramref name="ws"/> through this layer. With
    /// <paramref name="lastTokenOnly"/> only each sequence's last row is advanced (attention still reads every
    /// position's keys and values); the other rows are left as they were, fit only for last-token pooling.
    /// </summary>
    internal void Forward(SequenceBatch batch, ForwardWorkspace ws, bool lastTokenOnly = false)
    {
        int n = batch.TotalTokens, d = _inputNorm.Dim;
        float[] normed = ws.Normed, projected = ws.Projected;

        _inputNorm.ApplyParallel(ws.Residual, normed, n);
        Attention.Forward(normed, projected, batch, ws, lastTokenOnly);

        float[] resid = ws.Residual;
        int rows = n;
        if (lastTokenOnly)
        {
            resid = ws.LastResidual;
            rows = batch.Count;
            for (int s = 0; s < rows; s++)
                ws.Residual.AsSpan((batch.Offsets[s] + batch.Lengths[s] - 1) * d, d).CopyTo(resid.AsSpan(s * d, d));
        }

        _postAttentionNorm.ApplyParallel(projected, projected, rows);
        AddInPlace(resid, projected, rows * d);
        _preFeedforwardNorm.ApplyParallel(resid, normed, rows);
        Mlp.Forward(normed, projected, rows, ws);
        _postFeedforwardNorm.ApplyParallel(projected, projected, rows);
        AddInPlace(resid, projected, rows * d);

        if (lastTokenOnly)
            for (int s = 0; s < rows; s++)
                resid.AsSpan(s * d, d).CopyTo(ws.Residual.AsSpan((batch.Offsets[s] + batch.Lengths[s] - 1) * d, d));
    }

    private static void AddInPlace(float[] target, float[] addend, int count) =>
        System.Numerics.Tensors.TensorPrimitives.Add(target.AsSpan(0, count), addend.AsSpan(0, count), target.AsSpan(0, count));
}
