using System.Numerics.Tensors;

namespace ProbeMonitor.Sae.Training;

/// <summary>Keeps W_dec rows at unit norm, the way SAELens and Anthropic do.</summary>
/// <remarks>
/// Before the optimiser step, each row's gradient loses its component along the row (g ← g − (g·w)w), which only
/// rescales the row; after the step each row is renormalised. Without this the encoder and decoder could trade
/// scale and shrink the sparsity penalty for free.
/// </remarks>
public static class DecoderNormConstraint
{
    /// <summary>g_j ← g_j − (g_j·w_j)·w_j for each row j in [rowStart, rowEnd) with touched[j] (rows of unit-norm w).</summary>
    public static void RemoveRadialGradient(ReadOnlySpan<float> decoder, Span<float> gradient, int dIn, ReadOnlySpan<bool> touched, int rowStart, int rowEnd)
    {
        for (int j = rowStart; j < rowEnd; j++)
        {
            if (!touched[j]) continue;
            var w = decoder.Slice(j * dIn, dIn);
            var g = gradient.Slice(j * dIn, dIn);
            float along = TensorPrimitives.Dot(g, w);
            if (along != 0f) TensorPrimitives.MultiplyAdd(w, -along, g, g);
        }
    }

    /// <summary>Scales rows [rowStart, rowEnd) to unit norm; a zero row is left as is.</summary>
    public static void Normalize(Span<float> decoder, int dIn, int rowStart, int rowEnd)
    {
        for (int j = rowStart; j < rowEnd; j++)
        {
            var w = decoder.Slice(j * dIn, dIn);
            float n = TensorPrimitives.Norm(w);
            if (n > 0f && n != 1f) TensorPrimitives.Divide(w, n, w);
        }
    }
}
