using System.Numerics;

namespace ProbeMonitor.Sae.Training;

/// <summary>Adam with bias correction (Kingma &amp; Ba 2015), updating an SAE's tensors in place, as torch.optim.Adam does.</summary>
/// <remarks>
/// m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − (η/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε).
/// The gradient is consumed: each tensor's gradient is zeroed once used, ready for the next step's sparse accumulation.
/// Weight-matrix rows whose gradient is known to be zero (a latent that did not fire) skip reading it; their moments
/// still decay and their weights still move, exactly as dense Adam with a zero gradient would.
/// </remarks>
public sealed class AdamOptimizer
{
    private readonly SaeParameters _m, _v;
    private readonly double _beta1, _beta2, _epsilon;

    /// <summary>Zero moments for tensors shaped like <paramref name="shape"/>.</summary>
    public AdamOptimizer(SaeParameters shape, double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(shape);
        _m = new SaeParameters(shape.DIn, shape.Width, shape.HasThreshold);
        _v = new SaeParameters(shape.DIn, shape.Width, shape.HasThreshold);
        LearningRate = learningRate;
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
    }

    /// <summary>η.</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken (t).</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// One step for the tensors in <paramref name="trainable"/>. <paramref name="touchedRows"/>[j] must be true wherever
    /// row j of the W_enc/W_dec gradients may be non-zero. <paramref name="beforeDecoderRows"/>(start, end) runs on each small
    /// block of decoder rows just before they are updated (e.g. projecting their gradient) and <paramref name="afterDecoderRows"/>
    /// just after (e.g. renormalising), so a row is fetched from memory once for all three.
    /// </summary>
    public void Step(SaeParameters p, SaeParameters g, TrainableTensors trainable, bool[] touchedRows,
        Action<int, int>? beforeDecoderRows = null, Action<int, int>? afterDecoderRows = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(g);
        StepCount++;
        var c = Coefficients();
        if ((trainable & TrainableTensors.Encoder) != 0) UpdateRows(p.EncoderRows, g.EncoderRows, _m.EncoderRows, _v.EncoderRows, p.DIn, touchedRows, c, null, null);
        if ((trainable & TrainableTensors.Decoder) != 0)
            UpdateRows(p.Decoder, g.Decoder, _m.Decoder, _v.Decoder, p.DIn, touchedRows, c, beforeDecoderRows, afterDecoderRows);
        if ((trainable & TrainableTensors.EncoderBias) != 0) Update(p.EncoderBias, g.EncoderBias, _m.EncoderBias, _v.EncoderBias, true, c);
        if ((trainable & TrainableTensors.DecoderBias) != 0) Update(p.DecoderBias, g.DecoderBias, _m.DecoderBias, _v.DecoderBias, true, c);
        if ((trainable & TrainableTensors.Threshold) != 0) Update(p.LogThreshold, g.LogThreshold, _m.LogThreshold, _v.LogThreshold, true, c);
    }

    private readonly record struct StepCoefficients(float Beta1, float Beta2, float StepSize, float InvSqrtBc2, float Epsilon);

    private StepCoefficients Coefficients()
    {
        double bc1 = 1 - Math.Pow(_beta1, StepCount), bc2 = 1 - Math.Pow(_beta2, StepCount);
        return new((float)_beta1, (float)_beta2, (float)(LearningRate / bc1), (float)(1 / Math.Sqrt(bc2)), (float)_epsilon);
    }

    private static void UpdateRows(float[] p, float[] g, float[] m, float[] v, int rowLength, bool[] touched, StepCoefficients c,
        Action<int, int>? before, Action<int, int>? after)
    {
        const int Block = 8;
        int rows = p.Length / rowLength;
        RowParallel.For(rows, 8L * rowLength, (r0, r1) =>
        {
            for (int b0 = r0; b0 < r1; b0 += Block)
            {
                int b1 = Math.Min(r1, b0 + Block);
                before?.Invoke(b0, b1);
                for (int r = b0; r < b1; r++)
                {
                    int o = r * rowLength;
                    Update(p.AsSpan(o, rowLength), g.AsSpan(o, rowLength), m.AsSpan(o, rowLength), v.AsSpan(o, rowLength), touched[r], c);
                }
                after?.Invoke(b0, b1);
            }
        });
    }

    private static void Update(Span<float> p, Span<float> g, Span<float> m, Span<float> v, bool hasGradient, StepCoefficients c)
    {
        float b1 = c.Beta1, b2 = c.Beta2, a1 = 1f - b1, a2 = 1f - b2;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vb1 = new Vector<float>(b1);
            var vb2 = new Vector<float>(b2);
            var va1 = new Vector<float>(a1);
            var va2 = new Vector<float>(a2);
            var vStep = new Vector<float>(c.StepSize);
            var vBc = new Vector<float>(c.InvSqrtBc2);
            var vEps = new Vector<float>(c.Epsilon);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var gi = hasGradient ? new Vector<float>(g[i..]) : Vector<float>.Zero;
                var mi = vb1 * new Vector<float>(m[i..]) + va1 * gi;
                var vi = vb2 * new Vector<float>(v[i..]) + va2 * gi * gi;
                var pi = new Vector<float>(p[i..]) - vStep * mi / (Vector.SquareRoot(vi) * vBc + vEps);
                mi.CopyTo(m[i..]);
                vi.CopyTo(v[i..]);
                pi.CopyTo(p[i..]);
            }
        }
        for (; i < p.Length; i++)
        {
            float gi = hasGradient ? g[i] : 0f;
            float mi = b1 * m[i] + a1 * gi;
            float vi = b2 * v[i] + a2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= c.StepSize * mi / (MathF.Sqrt(vi) * c.InvSqrtBc2 + c.Epsilon);
        }
        if (hasGradient) g.Clear();
    }
}
