using System.Numerics.Tensors;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Model;

/// <summary>Gemma-2 self-attention: rotary, grouped-query, scaled by query_pre_attn_scalar^-½, soft-capped, causal, optionally sliding-window.</summary>
public sealed class GemmaAttention
{
    private readonly WeightTensor _q, _k, _v, _o;
    private readonly RotaryEmbedding _rotary;
    private readonly int _heads, _kvHeads, _headDim;
    private readonly float _scaling;
    private readonly float? _softcap;

    /// <summary>Keys older than this many positions are invisible (i − j &lt; window); null on global layers.</summary>
    public int? SlidingWindow { get; }

    /// <summary>Builds a layer's attention from its projections ([out, in] as HF Linear stores them).</summary>
    public GemmaAttention(GemmaConfig config, int layer, WeightTensor q, WeightTensor k, WeightTensor v, WeightTensor o, RotaryEmbedding rotary)
    {
        _q = q; _k = k; _v = v; _o = o;
        _rotary = rotary;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.NumKeyValueHeads;
        _headDim = config.HeadDim;
        _scaling = (float)Math.Pow(config.QueryPreAttnScalar, -0.5);
        _softcap = config.AttnLogitSoftcapping is { } cap ? (float)cap : null;
        SlidingWindow = config.IsSliding(layer) ? config.SlidingWindow : null;
    }

    /// <summary>output[N, d] = attention over the normalised packed rows <paramref name="x"/>[N, d].</summary>
    internal void Forward(float[] x, float[] output, SequenceBatch batch, ForwardWorkspace ws)
    {
        int n = batch.TotalTokens;
        LinearProduct.Apply(x, _q, ws.Query, n);
        LinearProduct.Apply(x, _k, ws.Key, n);
        LinearProduct.Apply(x, _v, ws.Value, n);

        int qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        Parallel.For(0, batch.Count, s =>
        {
            int off = batch.Offsets[s], len = batch.Lengths[s];
            _rotary.Apply(ws.Query.AsSpan(off * qWidth, len * qWidth), len, _heads);
            _rotary.Apply(ws.Key.AsSpan(off * kvWidth, len * kvWidth), len, _kvHeads);
        });

        Parallel.For(0, batch.Count * _kvHeads,
            ws.RentScratch,
            (task, _, scratch) =>
            {
                AttendGroup(batch.Offsets[task / _kvHeads], batch.Lengths[task / _kvHeads], task % _kvHeads, ws, scratch);
                return scratch;
            },
            ws.ReturnScratch);

        LinearProduct.Apply(ws.AttentionOut, _o, output, n);
    }

    /// <summary>All query heads that share key/value head <paramref name="kvHead"/>, for one sequence.</summary>
    private void AttendGroup(int offset, int length, int kvHead, ForwardWorkspace ws, AttentionScratch scratch)
    {
        int hd = _headDim, qWidth = _heads * hd, kvWidth = _kvHeads * hd;
        Gather(ws.Key, offset, length, kvWidth, kvHead * hd, scratch.Key);
        Gather(ws.Value, offset, length, kvWidth, kvHead * hd, scratch.Value);
        int group = _heads / _kvHeads;
        for (int g = 0; g < group; g++)
        {
            int head = kvHead * group + g;
            Gather(ws.Query, offset, length, qWidth, head * hd, scratch.Query);
            for (int r0 = 0; r0 < length; r0 += AttentionScratch.BlockRows)
            {
                int rows = Math.Min(AttentionScratch.BlockRows, length - r0);
                AttendBlock(r0, rows, scratch);
                var o = scratch.Output;
                for (int i = 0; i < rows; i++)
                    o.AsSpan(i * hd, hd).CopyTo(ws.AttentionOut.AsSpan((offset + r0 + i) * qWidth + head * hd, hd));
            }
        }
    }

    /// <summary>Query rows [r0, r0+rows) of one head against the keys they may see; result in scratch.Output.</summary>
    private void AttendBlock(int r0, int rows, AttentionScratch scratch)
    {
        int hd = _headDim;
        int first = SlidingWindow is { } w ? Math.Max(0, r0 - w + 1) : 0;
        int keys = r0 + rows - first;
        var scores = scratch.Scores.AsSpan(0, rows * keys);
        Gemm.MultiplyTransposedB(scratch.Query.AsSpan(r0 * hd, rows * hd), scratch.Key.AsSpan(first * hd, keys * hd), scores, rows, keys, hd);
        for (int i = 0; i < rows; i++)
        {
            int pos = r0 + i;
            int lo = SlidingWindow is { } win ? Math.Max(0, pos - win + 1) : 0;
            var row = scores.Slice(i * keys, keys);
            var live = row.Slice(lo - first, pos - lo + 1);
            TensorPrimitives.Multiply(live, _scaling, live);
            if (_softcap is { } cap)
            {
                TensorPrimitives.Divide(live, cap, live);
                TensorPrimitives.Tanh(live, live);
                TensorPrimitives.Multiply(live, cap, live);
            }
            float max = TensorPrimitives.Max(live);
            TensorPrimitives.Subtract(live, max, live);
            TensorPrimitives.Exp(live, live);
            float sum = TensorPrimitives.Sum(live);
            TensorPrimitives.Divide(live, sum, live);
            row[..(lo - first)].Clear();
            row[(pos - first + 1)..].Clear();
        }
        Gemm.Multiply(scores, scratch.Value.AsSpan(first * hd, keys * hd), scratch.Output.AsSpan(0, rows * hd), rows, hd, keys);
    }

    /// <summary>Copies one head's columns of a sequence's packed rows into a contiguous [length, head_dim] matrix.</summary>
    private void Gather(float[] packed, int offset, int length, int width, int column, float[] destination)
    {
        int hd = _headDim;
        for (int t = 0; t < length; t++)
            packed.AsSpan((offset + t) * width + column, hd).CopyTo(destination.AsSpan(t * hd, hd));
    }
}
