using System.Numerics.Tensors;

namespace ProbeMonitor.Sae.Training;

/// <summary>
/// The soft-frozen decoder constraint: each unit W_dec row must keep cosine ≥ c with its initial (random) direction,
/// i.e. stay inside a cone of half-angle arccos c around it.
/// </summary>
/// <remarks>
/// Korznikov et al. (2026) state the constraint ("CosineSim ≥ 0.8 with their initial values") but not how it is
/// enforced; projected gradient descent is the natural choice. After each optimiser step (and renormalisation), a row
/// outside the cone is replaced by the nearest unit vector on the cone's boundary: it stays in the plane spanned by its
/// initial direction u and itself, at angle exactly arccos c from u. This is the Euclidean projection onto the cone for
/// unit vectors, so rows inside the cone move freely and the constraint never lets the decoder drift to learnt
/// directions, which is the point of the baseline: good reconstruction from directions that are still mostly random.
/// </remarks>
public sealed class DecoderCone
{
    private readonly float[] _initial;
    private readonly int _dIn;

    /// <summary>A cone around each row of <paramref name="initialDecoder"/> [width, d_in] (unit rows; copied).</summary>
    public DecoderCone(ReadOnlySpan<float> initialDecoder, int dIn, double minCosine)
    {
        if (dIn <= 0 || initialDecoder.Length % dIn != 0)
            throw new ArgumentException($"decoder cone: {initialDecoder.Length} values do not form rows of d_in = {dIn}.");
        if (!(minCosine > -1 && minCosine <= 1)) throw new ArgumentOutOfRangeException(nameof(minCosine), $"decoder cone: min cosine must be in (-1, 1], got {minCosine}.");
        _initial = initialDecoder.ToArray();
        _dIn = dIn;
        MinCosine = minCosine;
    }

    /// <summary>The least cosine a row may have with its initial direction.</summary>
    public double MinCosine { get; }

    /// <summary>Projects rows [rowStart, rowEnd) of unit-norm <paramref name="decoder"/> into their cones.</summary>
    public void Project(Span<float> decoder, int rowStart, int rowEnd)
    {
        float c = (float)MinCosine, s = MathF.Sqrt(MathF.Max(0f, 1f - c * c));
        Span<float> perp = _dIn <= 4096 ? stackalloc float[_dIn] : new float[_dIn];
        for (int j = rowStart; j < rowEnd; j++)
        {
            var w = decoder.Slice(j * _dIn, _dIn);
            var u = _initial.AsSpan(j * _dIn, _dIn);
            float cos = TensorPrimitives.Dot(w, u);
            if (cos >= c) continue;
            // perp = w − (w·u)u, the direction of w away from u; w ← c·u + s·perp/‖perp‖.
            TensorPrimitives.MultiplyAdd(u, -cos, w, perp);
            float pn = TensorPrimitives.Norm(perp);
            if (pn == 0f)
            {
                u.CopyTo(w);
                continue;
            }
            TensorPrimitives.Multiply(perp, s / pn, perp);
            TensorPrimitives.MultiplyAdd(u, c, perp, w);
        }
    }

    /// <summary>The cosine of row j of <paramref name="decoder"/> with its initial direction.</summary>
    public double Cosine(ReadOnlySpan<float> decoder, int j) =>
        TensorPrimitives.Dot(decoder.Slice(j * _dIn, _dIn), _initial.AsSpan(j * _dIn, _dIn));
}
