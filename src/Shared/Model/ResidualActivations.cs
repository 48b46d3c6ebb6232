namespace ProbeMonitor.Model;

/// <summary>The residual stream after chosen layers (TransformerLens <c>blocks.L.hook_resid_post</c>), pooled per sequence.</summary>
public sealed class ResidualActivations
{
    private readonly Dictionary<int, float[][]> _byLayer;

    /// <summary>The TransformerLens hook name for the residual stream after layer <paramref name="layer"/>.</summary>
    public static string HookName(int layer) => $"blocks.{layer}.hook_resid_post";

    /// <summary>Captured layers, ascending.</summary>
    public IReadOnlyList<int> Layers { get; }
    /// <summary>How each sequence was pooled.</summary>
    public Pooling Pooling { get; }
    /// <summary>Token count of each sequence.</summary>
    public IReadOnlyList<int> Lengths { get; }
    /// <summary>Width of one vector, d_model.</summary>
    public int HiddenSize { get; }
    /// <summary>How many decoder layers the forward pass ran (the highest requested layer + 1).</summary>
    public int LayersRun { get; internal set; }

    internal ResidualActivations(IReadOnlyList<int> layers, Pooling pooling, IReadOnlyList<int> lengths, int hiddenSize)
    {
        Layers = layers;
        Pooling = pooling;
        Lengths = lengths;
        HiddenSize = hiddenSize;
        _byLayer = layers.ToDictionary(l => l, _ => new float[lengths.Count][]);
    }

    /// <summary>Sequence <paramref name="sequence"/>'s activation after <paramref name="layer"/>: [d] pooled, or [T·d] for <see cref="Pooling.None"/>.</summary>
    public float[] Get(int layer, int sequence)
    {
        if (!_byLayer.TryGetValue(layer, out var perSequence))
            throw new ArgumentException($"layer {layer} was not captured; captured layers: {string.Join(", ", Layers)}.");
        return perSequence[sequence];
    }

    /// <summary>The hook point: called with the packed residual stream right after <paramref name="layer"/> ran.</summary>
    internal void OnResidPost(int layer, float[] residual, SequenceBatch batch)
    {
        if (!_byLayer.TryGetValue(layer, out var perSequence)) return;
        int d = HiddenSize;
        for (int s = 0; s < batch.Count; s++)
            perSequence[s] = Pooling.Pool(residual.AsSpan(batch.Offsets[s] * d, batch.Lengths[s] * d), batch.Lengths[s], d);
    }
}
