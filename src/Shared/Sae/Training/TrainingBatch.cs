using System.Numerics.Tensors;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Sae.Training;

/// <summary>One step's buffers and the parts of the forward/backward pass every architecture shares.</summary>
/// <remarks>
/// Inputs are already normalised. b_dec is subtracted before encoding (SAELens apply_b_dec_to_input), so b_dec receives
/// gradient both from the reconstruction and through the encoder's input. Losses follow SAELens: per-token squared error
/// summed over d_in, averaged over the batch.
/// </remarks>
internal sealed class TrainingBatch
{
    private double[] _rowSquares = [];

    /// <summary>Buffers for <paramref name="rows"/> tokens of width <paramref name="dIn"/> and an SAE of <paramref name="width"/> latents.</summary>
    public TrainingBatch(int rows, int dIn, int width)
    {
        Rows = rows;
        DIn = dIn;
        Width = width;
        Input = new float[rows * dIn];
        Centered = new float[rows * dIn];
        Pre = new float[(long)rows * width <= Array.MaxLength ? rows * width : throw new ArgumentException("batch·width too large")];
        Recon = new float[rows * dIn];
        Residual = new float[rows * dIn];
        ReconGrad = new float[rows * dIn];
        CenteredGrad = new float[rows * dIn];
        ExtraOut = new float[rows * dIn];
    }

    /// <summary>Tokens in the batch.</summary>
    public int Rows { get; }

    /// <summary>Input width.</summary>
    public int DIn { get; }

    /// <summary>Latents.</summary>
    public int Width { get; }

    /// <summary>x [B, d_in], normalised.</summary>
    public float[] Input { get; }

    /// <summary>x − b_dec, the encoder's input.</summary>
    public float[] Centered { get; }

    /// <summary>Pre-activations (x − b_dec)·W_enc + b_enc [B, d_sae].</summary>
    public float[] Pre { get; }

    /// <summary>x̂ = Σ f·W_dec + b_dec.</summary>
    public float[] Recon { get; }

    /// <summary>x̂ − x.</summary>
    public float[] Residual { get; }

    /// <summary>∂L/∂x̂ = 2(x̂ − x)/B.</summary>
    public float[] ReconGrad { get; }

    /// <summary>∂L/∂(x − b_dec), accumulated from every set of codes that feeds the encoder.</summary>
    public float[] CenteredGrad { get; }

    /// <summary>Scratch [B, d_in] for a second decoder output (AuxK's reconstruction, then its gradient).</summary>
    public float[] ExtraOut { get; }

    /// <summary>The active latents.</summary>
    public SparseCodes Codes { get; } = new();

    /// <summary>A second set of entries: AuxK's dead latents (TopK) or near-threshold latents (JumpReLU).</summary>
    public SparseCodes Extra { get; } = new();

    /// <summary>Codes grouped by latent.</summary>
    public LatentIndex CodeIndex { get; } = new();

    /// <summary>Extra grouped by latent.</summary>
    public LatentIndex ExtraIndex { get; } = new();

    /// <summary>Centered = x − b_dec, Pre = Centered·W_enc + b_enc: the one dense GEMM of a step.</summary>
    public void Encode(SaeParameters p)
    {
        int dIn = DIn, width = Width;
        RowParallel.For(Rows, dIn, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
                TensorPrimitives.Subtract(Input.AsSpan(r * dIn, dIn), p.DecoderBias, Centered.AsSpan(r * dIn, dIn));
        });
        Gemm.MultiplyTransposedB(Centered, p.EncoderRows, Pre, Rows, width, dIn);
        RowParallel.For(Rows, width, (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var row = Pre.AsSpan(r * width, width);
                TensorPrimitives.Add(row, p.EncoderBias, row);
            }
        });
    }

    /// <summary>
    /// Decodes <see cref="Codes"/> into Recon, sets Residual = x̂ − x and ReconGrad = 2(x̂ − x)/B, fills Codes.Grad with
    /// ∂L/∂f = ReconGrad·W_dec[j], and returns the loss mean_t ‖x̂_t − x_t‖².
    /// </summary>
    /// <remarks>
    /// Fused per token: the token's k decoder rows are read once from memory to decode and again, still in cache, for the
    /// gradient dot products, instead of two passes over every row of the batch.
    /// </remarks>
    public double Reconstruct(SaeParameters p)
    {
        int dIn = DIn;
        var codes = Codes;
        var start = codes.RowStart;
        var latent = codes.Latent;
        var value = codes.Value;
        var grad = codes.Grad;
        var decoder = p.Decoder;
        var bias = p.DecoderBias;
        if (_rowSquares.Length < Rows) _rowSquares = new double[Rows];
        var squares = _rowSquares;
        float scale = 2f / Rows;
        RowParallel.For(Rows, 3L * dIn * (1 + codes.Count / Math.Max(1, Rows)), (r0, r1) =>
        {
            for (int r = r0; r < r1; r++)
            {
                var outRow = Recon.AsSpan(r * dIn, dIn);
                bias.AsSpan().CopyTo(outRow);
                for (int e = start[r]; e < start[r + 1]; e++)
                    TensorPrimitives.MultiplyAdd(decoder.AsSpan(latent[e] * dIn, dIn), value[e], outRow, outRow);
                var res = Residual.AsSpan(r * dIn, dIn);
                TensorPrimitives.Subtract(outRow, Input.AsSpan(r * dIn, dIn), res);
                squares[r] = SumOfSquares(res);
                var g = ReconGrad.AsSpan(r * dIn, dIn);
                TensorPrimitives.Multiply(res, scale, g);
                for (int e = start[r]; e < start[r + 1]; e++)
                    grad[e] = TensorPrimitives.Dot(g, decoder.AsSpan(latent[e] * dIn, dIn));
            }
        });
        double total = 0;
        for (int r = 0; r < Rows; r++) total += squares[r];
        return total / Rows;
    }

    /// <summary>Σ‖x − x̂‖² / Σ‖x − x̄‖² over this batch (x̄ its per-dimension mean); NaN when the batch has no variance.</summary>
    public double FractionOfVarianceUnexplained()
    {
        var mean = new double[DIn];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < DIn; c++) mean[c] += Input[r * DIn + c];
        double total = 0;
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < DIn; c++)
            {
                double d = Input[r * DIn + c] - mean[c] / Rows;
                total += d * d;
            }
        return total > 0 ? SumOfSquares(Residual) / total : double.NaN;
    }

    /// <summary>Adds the W_dec gradient of the reconstruction, Σ f·∂L/∂x̂, for the active latents.</summary>
    public void DecoderGradient(SaeParameters g) => SparseBackprop.ScatterRows(CodeIndex, Codes.Value, ReconGrad, DIn, g.Decoder);

    /// <summary>
    /// Given ∂L/∂pre in Codes.Grad (and in Extra.Grad when <paramref name="includeExtra"/>), adds the W_enc, b_enc and
    /// b_dec gradients; b_dec's collects ∂L/∂x̂ summed over tokens minus ∂L/∂(x − b_dec) summed over tokens.
    /// </summary>
    public void EncoderGradients(SaeParameters p, SaeParameters g, TrainableTensors trainable, bool includeExtra)
    {
        Array.Clear(CenteredGrad);
        Backpropagate(Codes, CodeIndex, p, g, trainable);
        if (includeExtra) Backpropagate(Extra, ExtraIndex, p, g, trainable);
        if ((trainable & TrainableTensors.DecoderBias) == 0) return;
        var sum = new double[DIn];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < DIn; c++) sum[c] += (double)ReconGrad[r * DIn + c] - CenteredGrad[r * DIn + c];
        for (int c = 0; c < DIn; c++) g.DecoderBias[c] += (float)sum[c];
    }

    /// <summary>Σ v² in double.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> v)
    {
        double s = 0;
        for (int i = 0; i < v.Length; i++) s += (double)v[i] * v[i];
        return s;
    }

    private void Backpropagate(SparseCodes codes, LatentIndex index, SaeParameters p, SaeParameters g, TrainableTensors trainable)
    {
        if ((trainable & TrainableTensors.Encoder) != 0) SparseBackprop.ScatterRows(index, codes.Grad, Centered, DIn, g.EncoderRows);
        if ((trainable & TrainableTensors.EncoderBias) != 0) SparseBackprop.SumPerLatent(index, codes.Grad, g.EncoderBias);
        if ((trainable & TrainableTensors.DecoderBias) != 0) SparseBackprop.InputGradient(codes, p.EncoderRows, DIn, CenteredGrad);
    }
}
