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

    /// <summary>Rows per pass: bounds the two [rows, intermediate] buffers (≈ 60 MB each at Gemma-2-9B width) while keeping GEMMs large.</summary>
    internal const int ChunkRows = 1024;

    /// <summary>output[N, d] = MLP of the normalised packed rows <paramref name="x"/>[N, d].</summary>
    internal void Forward(float[] x, float[] output, int rows, ForwardWorkspace ws)
    {
        int d = _gate.Cols, width = _gate.Rows;
        for (int r0 = 0; r0 < rows; r0 += ChunkRows)
        {
            int n = Math.Min(ChunkRows, rows - r0);
            LinearProduct.Apply(x.AsSpan(r0 * d, n * d), _gate, ws.Gate, n);
            LinearProduct.Apply(x.AsSpan(r0 * d, n * d), _up, ws.Up, n);
            const int rowsPerTask = 16;
            Parallel.For(0, (n + rowsPerTask - 1) / rowsPerTask, c =>
            {
                int first = c * rowsPerTask, count = Math.Min(rowsPerTask, n - first);
                var gate = ws.Gate.AsSpan(first * width, count * width);
                GeluTanh(gate);
                TensorPrimitives.Multiply(gate, ws.Up.AsSpan(first * width, count * width), gate);
            });
            LinearProduct.Apply(ws.Gate.AsSpan(0, n * width), _down, output.AsSpan(r0 * d, n * d), n);
        }
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
