using System.Numerics.Tensors;

namespace ProbeMonitor.Model;

/// <summary>A Gemma-2 forward pass with HF semantics in float32, over packed batches of token sequences.</summary>
/// <remarks>
/// Weights stay in their stored precision (memory-mapped when loaded from disk). A forward pass stops at the highest
/// layer anyone asked for; logits need the complete model.
/// </remarks>
public sealed class GemmaModel : IDisposable
{
    private readonly GemmaWeights _weights;
    private readonly GemmaBlock[] _blocks;
    private readonly RmsNorm? _finalNorm;
    private readonly float _embedScale;
    private readonly IDisposable? _owner;
    private long _blocksRun;

    /// <summary>The model's hyper-parameters.</summary>
    public GemmaConfig Config => _weights.Config;
    /// <summary>Layers available: all of them, or 0..L when loaded up to layer L.</summary>
    public int LoadedLayers => _blocks.Length;
    /// <summary>Total decoder-layer executions since construction (each layer of each forward call counts once).</summary>
    public long BlocksRun => Interlocked.Read(ref _blocksRun);

    /// <summary>Builds the model over bound weights; <paramref name="owner"/> (e.g. open files) is disposed with it.</summary>
    public GemmaModel(GemmaWeights weights, IDisposable? owner = null)
    {
        _weights = weights;
        _owner = owner;
        var c = weights.Config;
        var rotary = new RotaryEmbedding(c.HeadDim, c.RopeTheta);
        _blocks = new GemmaBlock[weights.Layers.Count];
        for (int i = 0; i < _blocks.Length; i++)
        {
            var w = weights.Layers[i];
            RmsNorm Norm(WeightTensor t) => new(t.ToSingles(), c.RmsNormEps);
            _blocks[i] = new GemmaBlock(i,
                new GemmaAttention(c, i, w.QProj, w.KProj, w.VProj, w.OProj, rotary),
                new GemmaMlp(w.GateProj, w.UpProj, w.DownProj),
                Norm(w.InputLayerNorm), Norm(w.PostAttentionLayerNorm), Norm(w.PreFeedforwardLayerNorm), Norm(w.PostFeedforwardLayerNorm));
        }
        if (weights.FinalNorm is { } fn) _finalNorm = new RmsNorm(fn.ToSingles(), c.RmsNormEps);
        // HF multiplies by sqrt(hidden_size) cast to the activation dtype: float32 here.
        _embedScale = (float)Math.Sqrt(c.HiddenSize);
    }

    /// <summary>Opens a Hugging Face checkpoint directory; with <paramref name="maxLayer"/> only layers 0..maxLayer are bound and read.</summary>
    public static GemmaModel Load(string directory, int? maxLayer = null)
    {
        var checkpoint = GemmaCheckpoint.Open(directory);
        try
        {
            return new GemmaModel(GemmaWeights.Bind(checkpoint.Config, checkpoint.Tensors, maxLayer), checkpoint);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the sequences through layers 0..max(<paramref name="layers"/>) and returns the residual stream after each
    /// requested layer, pooled per sequence. Each sequence's result equals what it gives alone.
    /// </summary>
    public ResidualActivations ResidualStream(IReadOnlyList<int[]> sequences, IEnumerable<int> layers, Pooling pooling) =>
        ResidualStreams(sequences, layers, [pooling])[pooling];

    /// <summary>
    /// As <see cref="ResidualStream"/>, pooling every way in <paramref name="poolings"/> from one forward pass (one
    /// <see cref="ResidualActivations"/> per distinct pooling).
    /// </summary>
    /// <remarks>
    /// Asked for <see cref="Pooling.Last"/> alone, the final layer advances only each sequence's last row (as
    /// <see cref="ResidualStream"/> does); with any other pooling beside it every row is computed and Last reads the last
    /// one, which agrees with the last-row-only pass up to GEMM rounding (its products have other row counts).
    /// </remarks>
    public IReadOnlyDictionary<Pooling, ResidualActivations> ResidualStreams(IReadOnlyList<int[]> sequences, IEnumerable<int> layers, IReadOnlyCollection<Pooling> poolings)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(poolings);
        var wanted = layers.Distinct().Order().ToArray();
        if (wanted.Length == 0) throw new ArgumentException("no layers requested.");
        var ways = poolings.Distinct().Order().ToArray();
        if (ways.Length == 0) throw new ArgumentException("no poolings requested.", nameof(poolings));
        foreach (var layer in wanted)
            if (layer < 0 || layer >= _blocks.Length)
                throw new ArgumentOutOfRangeException(nameof(layers),
                    $"layer {layer} is not available: this model has layers 0..{_blocks.Length - 1}" +
                    (_blocks.Length < Config.NumHiddenLayers ? $" loaded (of {Config.NumHiddenLayers})." : "."));

        var batch = new SequenceBatch(sequences, Config.VocabSize);
        var results = ways.ToDictionary(p => p, p => new ResidualActivations(wanted, p, batch.Lengths, Config.HiddenSize));
        var ws = new ForwardWorkspace(Config, batch);
        Embed(batch, ws.Residual);
        int last = wanted[^1];
        bool lastOnly = ways is [Pooling.Last];
        for (int layer = 0; layer <= last; layer++)
        {
            // Last-token pooling needs only the final layer's last rows; no later layer reads the others.
            _blocks[layer].Forward(batch, ws, lastTokenOnly: lastOnly && layer == last);
            Interlocked.Increment(ref _blocksRun);
            foreach (var result in results.Values) result.OnResidPost(layer, ws.Residual, batch);
        }
        foreach (var result in results.Values) result.LayersRun = last + 1;
        return results;
    }

    /// <summary>
    /// Soft-capped logits of every position of every sequence (per sequence [T·vocab]), or of the last position only
    /// ([vocab]) when <paramref name="lastTokenOnly"/>.
    /// </summary>
    public float[][] Logits(IReadOnlyList<int[]> sequences, bool lastTokenOnly = false)
    {
        if (_finalNorm is null || _weights.OutputProjection is null)
            throw new InvalidOperationException($"logits need the complete model; only layers 0..{_blocks.Length - 1} were loaded.");
        var batch = new SequenceBatch(sequences, Config.VocabSize);
        var ws = new ForwardWorkspace(Config, batch);
        Embed(batch, ws.Residual);
        foreach (var block in _blocks)
        {
            block.Forward(batch, ws);
            Interlocked.Increment(ref _blocksRun);
        }
        int d = Config.HiddenSize, vocab = Config.VocabSize;
        var result = new float[batch.Count][];
        for (int s = 0; s < batch.Count; s++)
        {
            int first = lastTokenOnly ? batch.Lengths[s] - 1 : 0, rows = batch.Lengths[s] - first;
            var normed = new float[rows * d];
            _finalNorm.Apply(ws.Residual.AsSpan((batch.Offsets[s] + first) * d, rows * d), normed, rows);
            var logits = new float[checked(rows * vocab)];
            LinearProduct.Apply(normed, _weights.OutputProjection, logits, rows);
            if (Config.FinalLogitSoftcapping is { } capValue)
            {
                float cap = (float)capValue;
                TensorPrimitives.Divide(logits, cap, logits);
                TensorPrimitives.Tanh(logits, logits);
                TensorPrimitives.Multiply(logits, cap, logits);
            }
            result[s] = logits;
        }
        return result;
    }

    /// <summary>residual[t] = embedding[token_t] · sqrt(d_model).</summary>
    private void Embed(SequenceBatch batch, float[] residual)
    {
        int d = Config.HiddenSize;
        var embedding = _weights.Embedding;
        Parallel.For(0, batch.TotalTokens, t =>
        {
            var row = residual.AsSpan(t * d, d);
            embedding.WidenRows(batch.Tokens[t], 1, row);
            TensorPrimitives.Multiply(row, _embedScale, row);
        });
    }

    /// <summary>Releases the memory-mapped checkpoint, if any.</summary>
    public void Dispose() => _owner?.Dispose();
}
