namespace ProbeMonitor.Sae.Training;

/// <summary>The tensors of an SAE being trained; the same shape holds their gradients and Adam moments.</summary>
/// <remarks>
/// The encoder is kept transposed, as <see cref="EncoderRows"/> [d_sae, d_in] (row j = W_enc[:, j]), unlike SAELens's
/// W_enc [d_in, d_sae]: then latent j's encoder weights, its decoder row and its gradient rows are all contiguous, which
/// the sparse TopK backward needs (it touches only the rows of the latents that fired). The forward pass uses A·Bᵀ.
/// Thresholds are held as their logarithm so that they stay positive under any update (Rajamanoharan et al. 2024).
/// </remarks>
public sealed class SaeParameters
{
    /// <summary>Zero tensors for an SAE of the given shape; <paramref name="hasThreshold"/> for JumpReLU.</summary>
    public SaeParameters(int dIn, int width, bool hasThreshold)
    {
        if (dIn <= 0) throw new ArgumentOutOfRangeException(nameof(dIn), $"SAE parameters: d_in must be positive, got {dIn}.");
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"SAE parameters: width must be positive, got {width}.");
        if ((long)dIn * width > Array.MaxLength)
            throw new ArgumentException($"SAE parameters: d_in·width = {(long)dIn * width} exceeds the largest array this runtime can hold.");
        DIn = dIn;
        Width = width;
        EncoderRows = new float[dIn * width];
        Decoder = new float[dIn * width];
        EncoderBias = new float[width];
        DecoderBias = new float[dIn];
        LogThreshold = hasThreshold ? new float[width] : [];
    }

    /// <summary>Input width d_in.</summary>
    public int DIn { get; }

    /// <summary>Number of latents d_sae.</summary>
    public int Width { get; }

    /// <summary>W_encᵀ [d_sae, d_in]: row j holds latent j's encoder weights.</summary>
    public float[] EncoderRows { get; }

    /// <summary>W_dec [d_sae, d_in].</summary>
    public float[] Decoder { get; }

    /// <summary>b_enc [d_sae].</summary>
    public float[] EncoderBias { get; }

    /// <summary>b_dec [d_in].</summary>
    public float[] DecoderBias { get; }

    /// <summary>log θ [d_sae] for JumpReLU; empty otherwise.</summary>
    public float[] LogThreshold { get; }

    /// <summary>Whether this holds JumpReLU thresholds.</summary>
    public bool HasThreshold => LogThreshold.Length > 0;

    /// <summary>A deep copy.</summary>
    public SaeParameters Clone()
    {
        var copy = new SaeParameters(DIn, Width, HasThreshold);
        CopyTo(copy);
        return copy;
    }

    /// <summary>Copies every tensor into <paramref name="target"/>, which must have the same shape.</summary>
    public void CopyTo(SaeParameters target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.DIn != DIn || target.Width != Width || target.HasThreshold != HasThreshold)
            throw new ArgumentException($"SAE parameters: cannot copy [{Width}, {DIn}] into [{target.Width}, {target.DIn}].");
        EncoderRows.CopyTo(target.EncoderRows, 0);
        Decoder.CopyTo(target.Decoder, 0);
        EncoderBias.CopyTo(target.EncoderBias, 0);
        DecoderBias.CopyTo(target.DecoderBias, 0);
        LogThreshold.CopyTo(target.LogThreshold, 0);
    }

    /// <summary>Sets every tensor to zero.</summary>
    public void Clear()
    {
        Array.Clear(EncoderRows);
        Array.Clear(Decoder);
        Array.Clear(EncoderBias);
        Array.Clear(DecoderBias);
        Array.Clear(LogThreshold);
    }

    /// <summary>The inference SAE for these weights (W_enc transposed back to [d_in, d_sae], threshold = exp(log θ)).</summary>
    /// <param name="config">Must match this shape and say JumpReLU exactly when thresholds are held.</param>
    public SparseAutoencoder ToAutoencoder(SaeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.DIn != DIn || config.DSae != Width)
            throw new ArgumentException($"SAE parameters: config says d_in {config.DIn}, d_sae {config.DSae} but the weights are d_in {DIn}, d_sae {Width}.");
        var wEnc = new float[EncoderRows.Length];
        Transpose(EncoderRows, wEnc, Width, DIn);
        float[]? threshold = null;
        if (config.Architecture == SaeArchitecture.JumpRelu)
        {
            if (!HasThreshold) throw new ArgumentException("SAE parameters: a jumprelu config needs thresholds, but these weights hold none.");
            threshold = new float[Width];
            for (int j = 0; j < Width; j++) threshold[j] = MathF.Exp(LogThreshold[j]);
        }
        return new SparseAutoencoder(config, wEnc, (float[])Decoder.Clone(), (float[])EncoderBias.Clone(), (float[])DecoderBias.Clone(), threshold);
    }

    /// <summary>Training tensors holding an existing SAE's weights (for resuming), with log θ = ln(threshold).</summary>
    public static SaeParameters FromAutoencoder(SparseAutoencoder sae)
    {
        ArgumentNullException.ThrowIfNull(sae);
        bool jump = sae.Config.Architecture == SaeArchitecture.JumpRelu;
        var p = new SaeParameters(sae.DIn, sae.DSae, jump);
        Transpose(sae.WEnc, p.EncoderRows, sae.DIn, sae.DSae);
        sae.WDec.CopyTo(p.Decoder);
        sae.BEnc.CopyTo(p.EncoderBias);
        sae.BDec.CopyTo(p.DecoderBias);
        if (jump)
            for (int j = 0; j < p.Width; j++)
            {
                float t = sae.Threshold[j];
                if (!(t > 0f)) throw new ArgumentException($"SAE parameters: threshold[{j}] is {t}; a JumpReLU threshold must be positive to take its log.");
                p.LogThreshold[j] = MathF.Log(t);
            }
        return p;
    }

    /// <summary>dst[c, r] = src[r, c] for src [rows, cols], in cache-sized tiles.</summary>
    internal static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols)
    {
        const int Tile = 32;
        for (int r0 = 0; r0 < rows; r0 += Tile)
        for (int c0 = 0; c0 < cols; c0 += Tile)
        {
            int r1 = Math.Min(rows, r0 + Tile), c1 = Math.Min(cols, c0 + Tile);
            for (int r = r0; r < r1; r++)
            for (int c = c0; c < c1; c++)
                dst[c * rows + r] = src[r * cols + c];
        }
    }
}
