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

    /// <summary>
    /// output = attention over the normalised packed rows <paramref name="x"/>[N, d]: one output row per position, or,
    /// when <paramref name="lastTokenOnly"/>, one per sequence (its last position; keys and values still cover every position).
    /// </summary>
    internal void Forward(float[] x, float[] output, SequenceBatch batch, ForwardWorkspace ws, bool lastTokenOnly = false)
    {
        int n = batch.TotalTokens, d = _q.Cols;
        LinearProduct.Apply(x, _k, ws.Key, n);
        LinearProduct.Apply(x, _v, ws.Value, n);
        int queries = n;
        if (lastTokenOnly)
        {
            queries = batch.Count;
            for (int s = 0; s < batch.Count; s++)
                x.AsSpan((batch.Offsets[s] + batch.Lengths[s] - 1) * d, d).CopyTo(ws.LastRows.AsSpan(s * d, d));
            LinearProduct.Apply(ws.LastRows, _q, ws.Query, queries);
        }
        else
        {
            LinearProduct.Apply(x, _q, ws.Query, n);
        }

        int qWidth = _heads * _headDim, kvWidth = _kvHeads * _headDim;
        Parallel.For(0, batch.Count, s =>
        {
            int off = batch.Offsets[s], len = batch.Lengths[s];
            if (lastTokenOnly)
                _rotary.Apply(ws.Query.AsSpan(s * qWidth, qWidth), 1, _heads, firstPosition: len - 1);
            else
                _rotary.Apply(ws.Query.AsSpan(off * qWidth, len * qWidth), len, _heads);
            _rotary.Apply(ws.Key.AsSpan(off * kvWidth, len * kvWidth), len, _kvHeads);
        });

        // Few, large products issued one at a time so the GEMM back end can use every core inside each;
        // only the element-wise softmax is spread over threads here.
        for (int s = 0; s < batch.Count; s++)
        {
            int off = batch.Offsets[s], len = batch.Lengths[s];
            for (int kvHead = 0; kvHead < _kvHeads; kvHead++)
                AttendGroup(off, len, kvHead, ws, lastTokenOnly ? len - 1 : 0, lastTokenOnly ? s : off);
        }

        LinearProduct.Apply(ws.AttentionOut, _o, output, queries);
    }

    /// <summary>
    /// All query heads that share key/value head <paramref name="kvHead"/>, for one sequence, at query positions
    /// [<paramref name="queryFrom"/>, length) whose packed query and output rows start at <paramref name="queryRow"/>.
    /// </summary>
    private void AttendGroup(int offset, int length, int kvHead, ForwardWorkspace ws, int queryFrom, int queryRow)
    {
        var scratch = ws.Attention;
        int hd = _headDim, qWidth = _heads * hd, kvWidth = _kvHeads * hd, group = _heads / _kvHeads;
        Gather(ws.Key, offset, 0, length, kvWidth, kvHead * hd, scratch.Key);
        Gather(ws.Value, offset, 0, length, kvWidth, kvHead * hd, scratch.Value);
        for (int r0 = queryFrom; r0 < length; r0 += scratch.BlockLength)
        {
            int rows = Math.Min(scratch.BlockLength, length - r0);
            int first = SlidingWindow is { } w ? Math.Max(0, r0 - w + 1) : 0;
            int keys = r0 + rows - first;
            // The group's queries stacked head-major: row g·rows + i is head (kvHead·group + g), position r0 + i.
            for (int g = 0; g < group; g++)
                Gather(ws.Query, queryRow, r0 - queryFrom, rows, qWidth, (kvHead * group + g) * hd, scratch.Query.AsSpan(g * rows * hd));
            int stacked = group * rows;
            var scores = scratch.Scores.AsSpan(0, stacked * keys);
            Gemm.MultiplyTransposedB(scratch.Query.AsSpan(0, stacked * hd), scratch.Key.AsSpan(first * hd, keys * hd), scores, stacked, keys, hd);
            const int chunk = 32;
            Parallel.For(0, (stacked + chunk - 1) / chunk, c =>
            {
                for (int row = c * chunk, end = Math.Min(stacked, row + chunk); row < end; row++)
                    Softmax(scratch.Scores.AsSpan(row * keys, keys), r0 + row % rows, first);
            });
            var o = scratch.Output.AsSpan(0, stacked * hd);
            Gemm.Multiply(scores, scratch.Value.AsSpan(first * hd, keys * hd), o, stacked, hd, keys);
            for (int g = 0; g < group; g++)
            {
                int column = (kvHead * group + g) * hd;
                for (int i = 0; i < rows; i++)
                    o.Slice((g * rows + i) * hd, hd).CopyTo(ws.AttentionOut.AsSpan((queryRow + r0 - queryFrom + i) * qWidth + column, hd));
            }
        }
    }

    /// <summary>
    /// One query row at position <paramref name="pos"/> whose scores start at key <paramref name="first"/>: scale,
    /// soft-cap, softmax over the visible keys, zero elsewhere.
    /// </summary>
    private void Softmax(Span<float> row, int pos, int first)
    {
        int lo = SlidingWindow is { } win ? Math.Max(0, pos - win + 1) : 0;
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

    /// <summary>Copies one head's columns of packed rows [<paramref name="offset"/> + <paramref name="from"/>, +<paramref name="count"/>) into a contiguous [count, head_dim] matrix.</summary>
    private void Gather(float[] packed, int offset, int from, int count, int width, int column, Span<float> destination)
    {
        int hd = _headDim;
        for (int t = 0; t < count; t++)
            packed.AsSpan((offset + from + t) * width + column, hd).CopyTo(destination.Slice(t * hd, hd));
    }
}
