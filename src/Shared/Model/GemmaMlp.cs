using System.Numerics.Tensors;

namespace ProbeMonitor.Model;

/// <summary>Gemma's GeGLU feed-forward: down( gelu_tanh(gate(x)) ⊙ up(x) ).</summary>
public sealed class GemmaMlp
{
    private readonly WeightTensor _gate, _up, _down;

    /// <summary>Builds the MLP from its projections ([out, in] as HF Linear stores them).</summary>
    public GemmaMlp(WeightTensor gate, WeightTensor up, WeightTensor down)
    {
        _gate = gate; _up = up; _down = down;
    }

    /// <summary>output[N, d] = MLP of the normalised packed rows <paramref name="x"/>[N, d].</summary>
    internal void Forward(float[] x, float[] output, int rows, ForwardWorkspace ws)
    {
        LinearProduct.Apply(x, _gate, ws.Gate, rows);
        LinearProduct.Apply(x, _up, ws.Up, rows);
        int width = _gate.Rows;
        const int chunkRows = 16;
        Parallel.For(0, (rows + chunkRows - 1) / chunkRows, c =>
        {
            int r0 = c * chunkRows, n = Math.Min(chunkRows, rows - r0);
            var gate = ws.Gate.AsSpan(r0 * width, n * width);
            GeluTanh(gate);
            TensorPrimitives.Multiply(gate, ws.Up.AsSpan(r0 * width, n * width), gate);
        });
        LinearProduct.Apply(ws.Gate, _down, output, rows);
    }

    /// <summary>In place: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), PyTorch's <c>gelu(approximate="tanh")</c>.</summary>
    public static void GeluTanh(Span<float> x)
    {
        const float sqrtTwoOverPi = 0.7978845608028654f;
        const float cubic = 0.044715f;
        Span<float> inner = stackalloc float[256];
        for (int start = 0; start < x.Length; start += inner.Length)
        {
            var v = x.Slice(start, Math.Min(inner.Length, x.Length - start));
            var t = inner[..v.Length];
            TensorPrimitives.Multiply(v, v, t);          // x²
            TensorPrimitives.Multiply(t, v, t);          // x³
            TensorPrimitives.MultiplyAdd(t, cubic, v, t); // x + c·x³
            TensorPrimitives.Multiply(t, sqrtTwoOverPi, t);
            TensorPrimitives.Tanh(t, t);
            TensorPrimitives.Add(t, 1.0f, t);
            TensorPrimitives.Multiply(t, v, t);
            TensorPrimitives.Multiply(t, 0.5f, v);
        }
    }
}
