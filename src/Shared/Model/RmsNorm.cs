using System.Numerics.Tensors;

namespace ProbeMonitor.Model;

/// <summary>Gemma's RMSNorm: y = x · rsqrt(mean(x²) + eps) · (1 + w), all in float32 (HF <c>Gemma2RMSNorm</c>).</summary>
public sealed class RmsNorm
{
    private readonly float[] _scale;
    private readonly float _eps;

    /// <summary>Width of the normalised vectors.</summary>
    public int Dim => _scale.Length;

    /// <summary>Builds the norm from its stored weight w (the scale applied is 1 + w, computed in float32 as HF does).</summary>
    public RmsNorm(ReadOnlySpan<float> weight, double eps)
    {
        _scale = new float[weight.Length];
        for (int i = 0; i < weight.Length; i++) _scale[i] = 1.0f + weight[i];
        _eps = (float)eps;
    }

    /// <summary>Normalises each of <paramref name="rows"/> rows of <paramref name="x"/> into <paramref name="y"/> (may alias).</summary>
    public void Apply(ReadOnlySpan<float> x, Span<float> y, int rows)
    {
        int d = _scale.Length;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * d, d);
            var yr = y.Slice(r * d, d);
            float meanSquare = TensorPrimitives.SumOfSquares(xr) / d;
            float inv = 1.0f / MathF.Sqrt(meanSquare + _eps);
            TensorPrimitives.Multiply(xr, inv, yr);
            TensorPrimitives.Multiply(yr, _scale, yr);
        }
    }

    /// <summary>Normalises rows in parallel when there are enough of them to pay for the threads.</summary>
    public void ApplyParallel(float[] x, float[] y, int rows)
    {
        const int chunk = 64;
        if (rows <= chunk) { Apply(x, y, rows); return; }
        int d = _scale.Length;
        Parallel.For(0, (rows + chunk - 1) / chunk, c =>
        {
            int r0 = c * chunk, n = Math.Min(chunk, rows - r0);
            Apply(x.AsSpan(r0 * d, n * d), y.AsSpan(r0 * d, n * d), n);
        });
    }
}
