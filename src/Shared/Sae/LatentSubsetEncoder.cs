using System.Buffers;
using System.Numerics.Tensors;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Sae;

/// <summary>Encodes only a chosen list of latents: what a served SAE probe needs from a 16k–131k latent SAE.</summary>
/// <remarks>
/// The chosen W_enc columns are gathered once into a packed [k, d_in] matrix, so each batch costs n·k·d_in
/// instead of n·d_sae·d_in. JumpReLU and ReLU act on each latent alone, so the result equals the full encode at
/// those columns. TopK does not: whether a latent fires depends on every other latent in its row, so a TopK
/// subset encoder runs the full encode and gathers (correct, but no cheaper).
/// </remarks>
public sealed class LatentSubsetEncoder
{
    private readonly SparseAutoencoder _sae;
    private readonly int[] _ids;
    private readonly float[] _packedWEnc, _bEnc, _threshold;

    internal LatentSubsetEncoder(SparseAutoencoder sae, ReadOnlySpan<int> latentIds)
    {
        _sae = sae;
        _ids = latentIds.ToArray();
        int dIn = sae.DIn, dSae = sae.DSae, k = _ids.Length;
        for (int i = 0; i < k; i++)
            if ((uint)_ids[i] >= (uint)dSae)
                throw new ArgumentOutOfRangeException(nameof(latentIds), $"SAE subset: latent id {_ids[i]} (position {i}) is outside 0..{dSae - 1}.");
        if (sae.Config.Architecture == SaeArchitecture.TopK)
        {
            _packedWEnc = _bEnc = _threshold = [];
            return;
        }
        _packedWEnc = new float[checked(k * dIn)];
        _bEnc = new float[k];
        _threshold = sae.Config.Architecture == SaeArchitecture.JumpRelu ? new float[k] : [];
        var wEnc = sae.WEnc;
        for (int p = 0; p < dIn; p++)
        {
            var row = wEnc.Slice(p * dSae, dSae);
            for (int i = 0; i < k; i++) _packedWEnc[i * dIn + p] = row[_ids[i]];
        }
        for (int i = 0; i < k; i++)
        {
            _bEnc[i] = sae.BEnc[_ids[i]];
            if (_threshold.Length > 0) _threshold[i] = sae.Threshold[_ids[i]];
        }
    }

    /// <summary>The latents encoded, in output column order.</summary>
    public ReadOnlySpan<int> LatentIds => _ids;

    /// <summary>Number of output columns.</summary>
    public int Count => _ids.Length;

    /// <summary>Activations of the chosen latents for x [n, d_in] into <paramref name="acts"/> [n, Count].</summary>
    public void Encode(ReadOnlySpan<float> x, int n, Span<float> acts)
    {
        int dIn = _sae.DIn, k = _ids.Length;
        SparseAutoencoder.CheckBatch(x, n, dIn, "x");
        SparseAutoencoder.CheckBatch(acts, n, k, "subset output");
        if (_sae.Config.Architecture == SaeArchitecture.TopK)
        {
            EncodeThroughFullRows(x, n, acts);
            return;
        }
        int chunk = SparseAutoencoder.RowsPerChunk(dIn);
        var scratch = _sae.NeedsInputTransform ? ArrayPool<float>.Shared.Rent(Math.Min(n, chunk) * dIn) : null;
        try
        {
            for (int r0 = 0; r0 < n; r0 += chunk)
            {
                int rows = Math.Min(chunk, n - r0);
                var xin = _sae.PrepareInput(x.Slice(r0 * dIn, rows * dIn), r0, scratch);
                Gemm.MultiplyTransposedB(xin, _packedWEnc, acts.Slice(r0 * k, rows * k), rows, k, dIn);
            }
        }
        finally
        {
            if (scratch is not null) ArrayPool<float>.Shared.Return(scratch);
        }
        for (int i = 0; i < n; i++)
        {
            var row = acts.Slice(i * k, k);
            TensorPrimitives.Add(row, _bEnc, row);
            if (_threshold.Length > 0) LatentActivation.JumpRelu(row, _threshold);
            else LatentActivation.Relu(row);
        }
    }

    /// <summary>Activations [n, Count] of the chosen latents for x [n, d_in].</summary>
    public float[] Encode(ReadOnlySpan<float> x, int n)
    {
        var acts = new float[checked(n * _ids.Length)];
        Encode(x, n, acts);
        return acts;
    }

    private void EncodeThroughFullRows(ReadOnlySpan<float> x, int n, Span<float> acts)
    {
        int dIn = _sae.DIn, dSae = _sae.DSae, k = _ids.Length;
        int chunk = SparseAutoencoder.RowsPerChunk(dSae);
        var dense = ArrayPool<float>.Shared.Rent(Math.Min(n, chunk) * dSae);
        try
        {
            for (int r0 = 0; r0 < n; r0 += chunk)
            {
                int rows = Math.Min(chunk, n - r0);
                var block = dense.AsSpan(0, rows * dSae);
                _sae.Encode(x.Slice(r0 * dIn, rows * dIn), rows, block);
                for (int i = 0; i < rows; i++)
                for (int c = 0; c < k; c++)
                    acts[(r0 + i) * k + c] = block[i * dSae + _ids[c]];
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(dense);
        }
    }
}
