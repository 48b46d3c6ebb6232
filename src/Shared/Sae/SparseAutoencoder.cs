using System.Buffers;
using System.Numerics.Tensors;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Sae;

/// <summary>An inference-only sparse autoencoder with SAELens tensor names and shapes, all row-major float32.</summary>
/// <remarks>
/// W_enc is [d_in, d_sae], W_dec [d_sae, d_in], b_enc and threshold [d_sae], b_dec [d_in].
/// Encoding: x' = x·s (expected_average_only_in) then x' − b_dec (apply_b_dec_to_input), pre = x'·W_enc + b_enc,
/// then the architecture's activation. Decoding: (acts·W_dec + b_dec) / s.
/// The constructor takes ownership of the weight arrays (no copy: a 131k-latent SAE holds over a billion floats),
/// so callers must not write to them afterwards; nothing in this type writes to them either.
/// </remarks>
public sealed class SparseAutoencoder
{
    private const int ScratchFloats = 1 << 21;

    private readonly float[] _wEnc, _wDec, _bEnc, _bDec, _threshold;
    private readonly float _inputScale;

    /// <summary>Checks every shape against <paramref name="config"/> and every value for NaN/Inf, naming the tensor at fault.</summary>
    public SparseAutoencoder(SaeConfig config, float[] wEnc, float[] wDec, float[] bEnc, float[] bDec, float[]? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        int dIn = config.DIn, dSae = config.DSae;
        _wEnc = CheckTensor("W_enc", wEnc, dIn, dSae);
        _wDec = CheckTensor("W_dec", wDec, dSae, dIn);
        _bEnc = CheckTensor("b_enc", bEnc, 1, dSae);
        _bDec = CheckTensor("b_dec", bDec, 1, dIn);
        if (config.Architecture == SaeArchitecture.JumpRelu)
            _threshold = CheckTensor("threshold", threshold ?? throw new ArgumentException("SAE: a jumprelu SAE needs the threshold tensor [d_sae]."), 1, dSae);
        else if (threshold is not null)
            throw new ArgumentException($"SAE: a threshold tensor was given but architecture {config.Architecture} does not use one.");
        else
            _threshold = [];
        _inputScale = config.NormalizeActivations == ActivationNormalization.ExpectedAverageOnlyIn ? (float)config.NormScalingFactor!.Value : 1f;
    }

    /// <summary>The configuration the weights were checked against.</summary>
    public SaeConfig Config { get; }

    /// <summary>Input width.</summary>
    public int DIn => Config.DIn;

    /// <summary>Number of latents.</summary>
    public int DSae => Config.DSae;

    /// <summary>Encoder weights [d_in, d_sae].</summary>
    public ReadOnlySpan<float> WEnc => _wEnc;

    /// <summary>Decoder weights [d_sae, d_in].</summary>
    public ReadOnlySpan<float> WDec => _wDec;

    /// <summary>Encoder bias [d_sae].</summary>
    public ReadOnlySpan<float> BEnc => _bEnc;

    /// <summary>Decoder bias [d_in].</summary>
    public ReadOnlySpan<float> BDec => _bDec;

    /// <summary>JumpReLU thresholds [d_sae]; empty for other architectures.</summary>
    public ReadOnlySpan<float> Threshold => _threshold;

    /// <summary>Pre-activations x'·W_enc + b_enc for x [n, d_in] into <paramref name="pre"/> [n, d_sae].</summary>
    public void EncodePreActivations(ReadOnlySpan<float> x, int n, Span<float> pre)
    {
        CheckBatch(x, n, DIn, "x");
        CheckBatch(pre, n, DSae, "pre-activation output");
        int chunk = RowsPerChunk(DIn);
        var scratch = NeedsInputTransform ? ArrayPool<float>.Shared.Rent(Math.Min(n, chunk) * DIn) : null;
        try
        {
            for (int r0 = 0; r0 < n; r0 += chunk)
            {
                int rows = Math.Min(chunk, n - r0);
                var xin = PrepareInput(x.Slice(r0 * DIn, rows * DIn), r0, scratch);
                var block = pre.Slice(r0 * DSae, rows * DSae);
                Gemm.Multiply(xin, _wEnc, block, rows, DSae, DIn);
                for (int i = 0; i < rows; i++)
                {
                    var row = block.Slice(i * DSae, DSae);
                    TensorPrimitives.Add(row, _bEnc, row);
                }
            }
        }
        finally
        {
            if (scratch is not null) ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Latent activations for x [n, d_in] into <paramref name="acts"/> [n, d_sae].</summary>
    public void Encode(ReadOnlySpan<float> x, int n, Span<float> acts)
    {
        EncodePreActivations(x, n, acts);
        for (int i = 0; i < n; i++) Activate(acts.Slice(i * DSae, DSae));
    }

    /// <summary>Latent activations [n, d_sae] for x [n, d_in].</summary>
    public float[] Encode(ReadOnlySpan<float> x, int n)
    {
        var acts = new float[checked(n * DSae)];
        Encode(x, n, acts);
        return acts;
    }

    /// <summary>Latent activations of each row of x [n, d_in], keeping only the non-zero ones.</summary>
    /// <remarks>Works through rows in blocks so the dense [rows, d_sae] buffer stays a few MiB whatever n is.</remarks>
    public SparseLatents[] EncodeSparse(ReadOnlySpan<float> x, int n)
    {
        CheckBatch(x, n, DIn, "x");
        var result = new SparseLatents[n];
        int chunk = RowsPerChunk(DSae);
        var dense = ArrayPool<float>.Shared.Rent(Math.Min(n, chunk) * DSae);
        try
        {
            for (int r0 = 0; r0 < n; r0 += chunk)
            {
                int rows = Math.Min(chunk, n - r0);
                var block = dense.AsSpan(0, rows * DSae);
                Encode(x.Slice(r0 * DIn, rows * DIn), rows, block);
                for (int i = 0; i < rows; i++) result[r0 + i] = SparseLatents.FromDense(block.Slice(i * DSae, DSae));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(dense);
        }
        return result;
    }

    /// <summary>Reconstructions (acts·W_dec + b_dec)/s for acts [n, d_sae] into <paramref name="xHat"/> [n, d_in].</summary>
    public void Decode(ReadOnlySpan<float> acts, int n, Span<float> xHat)
    {
        CheckBatch(acts, n, DSae, "acts");
        CheckBatch(xHat, n, DIn, "reconstruction output");
        Gemm.Multiply(acts, _wDec, xHat, n, DIn, DSae);
        for (int i = 0; i < n; i++) FinishDecodedRow(xHat.Slice(i * DIn, DIn));
    }

    /// <summary>Reconstructions [n, d_in] for acts [n, d_sae].</summary>
    public float[] Decode(ReadOnlySpan<float> acts, int n)
    {
        var xHat = new float[checked(n * DIn)];
        Decode(acts, n, xHat);
        return xHat;
    }

    /// <summary>One reconstruction [d_in] from sparse latents, touching only their W_dec rows.</summary>
    public void DecodeSparse(SparseLatents latents, Span<float> xHat)
    {
        ArgumentNullException.ThrowIfNull(latents);
        if (xHat.Length != DIn) throw new ArgumentException($"SAE decode: output has {xHat.Length} floats, d_in is {DIn}.");
        if (latents.Count > 0 && latents.Indices[^1] >= DSae)
            throw new ArgumentException($"SAE decode: latent {latents.Indices[^1]} is out of range for d_sae = {DSae}.");
        xHat.Clear();
        for (int i = 0; i < latents.Count; i++)
            TensorPrimitives.MultiplyAdd(_wDec.AsSpan(latents.Indices[i] * DIn, DIn), latents.Values[i], xHat, xHat);
        FinishDecodedRow(xHat);
    }

    /// <summary>Reconstructions [rows.Count, d_in] from sparse latents.</summary>
    public float[] DecodeSparse(IReadOnlyList<SparseLatents> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var xHat = new float[checked(rows.Count * DIn)];
        for (int i = 0; i < rows.Count; i++) DecodeSparse(rows[i], xHat.AsSpan(i * DIn, DIn));
        return xHat;
    }

    /// <summary>decode(encode(x)) for x [n, d_in], through the sparse path.</summary>
    public float[] Reconstruct(ReadOnlySpan<float> x, int n) => DecodeSparse(EncodeSparse(x, n));

    /// <summary>An encoder for just the given latents (any order, repeats allowed), W_enc columns gathered once.</summary>
    public LatentSubsetEncoder CreateSubsetEncoder(ReadOnlySpan<int> latentIds) => new(this, latentIds);

    /// <summary>Activations [n, ids.Length] of the given latents only; equals <see cref="Encode(ReadOnlySpan{float}, int)"/> at those columns.</summary>
    public float[] EncodeSubset(ReadOnlySpan<float> x, int n, ReadOnlySpan<int> latentIds) => CreateSubsetEncoder(latentIds).Encode(x, n);

    /// <summary>
    /// An equivalent SAE with the expected_average_only_in factor folded into the weights (W_enc·s, W_dec/s, b_dec/s),
    /// as SAELens does on load, so it reads raw activations with normalize_activations "none".
    /// </summary>
    public SparseAutoencoder FoldNormScalingFactor()
    {
        if (Config.NormalizeActivations == ActivationNormalization.None) return this;
        float s = _inputScale;
        var wEnc = new float[_wEnc.Length];
        var wDec = new float[_wDec.Length];
        var bDec = new float[_bDec.Length];
        TensorPrimitives.Multiply(_wEnc, s, wEnc);
        TensorPrimitives.Divide(_wDec, s, wDec);
        TensorPrimitives.Divide(_bDec, s, bDec);
        var config = Config with { NormalizeActivations = ActivationNormalization.None, NormScalingFactor = null };
        return new SparseAutoencoder(config, wEnc, wDec, (float[])_bEnc.Clone(), bDec,
            Config.Architecture == SaeArchitecture.JumpRelu ? (float[])_threshold.Clone() : null);
    }

    internal float InputScale => _inputScale;

    internal bool NeedsInputTransform => _inputScale != 1f || Config.ApplyBDecToInput;

    /// <summary>Applies the architecture's activation to one row of pre-activations, in place.</summary>
    internal void Activate(Span<float> row)
    {
        switch (Config.Architecture)
        {
            case SaeArchitecture.JumpRelu: LatentActivation.JumpRelu(row, _threshold); break;
            case SaeArchitecture.TopK: LatentActivation.TopK(row, Config.K!.Value); break;
            default: LatentActivation.Relu(row); break;
        }
    }

    /// <summary>Checks a block of input rows is finite and, when needed, writes x·s − b_dec into scratch.</summary>
    internal ReadOnlySpan<float> PrepareInput(ReadOnlySpan<float> xBlock, int firstRow, float[]? scratch)
    {
        if (!TensorPrimitives.IsFiniteAll(xBlock))
        {
            int at = 0;
            while (float.IsFinite(xBlock[at])) at++;
            throw new ArgumentException($"SAE encode: input x[{firstRow + at / DIn}, {at % DIn}] is {Describe(xBlock[at])}; inputs must be finite.");
        }
        if (!NeedsInputTransform) return xBlock;
        var dst = scratch.AsSpan(0, xBlock.Length);
        TensorPrimitives.Multiply(xBlock, _inputScale, dst);
        if (Config.ApplyBDecToInput)
            for (int i = 0; i < xBlock.Length; i += DIn)
            {
                var row = dst.Slice(i, DIn);
                TensorPrimitives.Subtract(row, _bDec, row);
            }
        return dst;
    }

    internal static int RowsPerChunk(int width) => Math.Max(1, ScratchFloats / width);

    internal static void CheckBatch(ReadOnlySpan<float> buffer, int n, int width, string what)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), $"SAE: row count must be non-negative, got {n}.");
        if ((long)n * width != buffer.Length)
            throw new ArgumentException($"SAE: {what} holds {buffer.Length} floats but [n, width] = [{n}, {width}] needs {(long)n * width}.");
    }

    internal static string Describe(float v) => float.IsNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";

    private void FinishDecodedRow(Span<float> row)
    {
        TensorPrimitives.Add(row, _bDec, row);
        if (_inputScale != 1f) TensorPrimitives.Divide(row, _inputScale, row);
    }

    private static float[] CheckTensor(string name, float[] data, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(data, name);
        long expected = (long)rows * cols;
        string shape = rows == 1 ? $"[{cols}]" : $"[{rows}, {cols}]";
        if (data.Length != expected)
            throw new ArgumentException($"SAE: {name} has {data.Length} values but its shape {shape} needs {expected}.");
        if (!TensorPrimitives.IsFiniteAll<float>(data))
        {
            int at = Array.FindIndex(data, v => !float.IsFinite(v));
            string where = rows == 1 ? $"[{at}]" : $"[{at / cols}, {at % cols}]";
            throw new ArgumentException($"SAE: {name}{where} is {Describe(data[at])}; weights must be finite.");
        }
        return data;
    }
}
