namespace ProbeMonitor.Model;

/// <summary>Rotary position embeddings in HF's rotate_half convention: dimension d pairs with d + head_dim/2.</summary>
/// <remarks>
/// Angles are formed as HF forms them, in float32: inv_freq = 1 / θ^(2i/head_dim) and angle = position · inv_freq,
/// so that long positions round exactly like the reference rather than like a more precise double computation.
/// </remarks>
public sealed class RotaryEmbedding
{
    private readonly float[] _invFreq;
    private readonly object _gate = new();
    private float[] _cos = [];
    private float[] _sin = [];
    private int _positions;

    /// <summary>Width of one head.</summary>
    public int HeadDim { get; }

    /// <summary>Creates the embedding for heads of width <paramref name="headDim"/> and base <paramref name="theta"/>.</summary>
    public RotaryEmbedding(int headDim, double theta)
    {
        if (headDim <= 0 || headDim % 2 != 0) throw new ArgumentException($"head_dim must be positive and even, got {headDim}.");
        HeadDim = headDim;
        _invFreq = new float[headDim / 2];
        for (int i = 0; i < _invFreq.Length; i++)
        {
            float exponent = (float)(2 * i) / headDim;
            _invFreq[i] = 1.0f / (float)Math.Pow(theta, exponent);
        }
    }

    /// <summary>The inverse frequencies, one per rotated pair.</summary>
    public ReadOnlySpan<float> InverseFrequencies => _invFreq;

    /// <summary>Rotates every head of the rows of <paramref name="x"/> ([rows, heads·head_dim]); row r sits at position <paramref name="firstPosition"/> + r.</summary>
    public void Apply(Span<float> x, int rows, int heads, int firstPosition = 0)
    {
        if (firstPosition < 0) throw new ArgumentOutOfRangeException(nameof(firstPosition));
        EnsurePositions(firstPosition + rows);
        int half = HeadDim / 2, width = heads * HeadDim;
        ReadOnlySpan<float> cosTable = _cos, sinTable = _sin;
        for (int t = 0; t < rows; t++)
        {
            var cos = cosTable.Slice((firstPosition + t) * half, half);
            var sin = sinTable.Slice((firstPosition + t) * half, half);
            var row = x.Slice(t * width, width);
            for (int h = 0; h < heads; h++)
            {
                var lo = row.Slice(h * HeadDim, half);
                var hi = row.Slice(h * HeadDim + half, half);
                for (int i = 0; i < half; i++)
                {
                    float a = lo[i], b = hi[i];
                    lo[i] = a * cos[i] - b * sin[i];
                    hi[i] = b * cos[i] + a * sin[i];
                }
            }
        }
    }

    private void EnsurePositions(int count)
    {
        if (Volatile.Read(ref _positions) >= count) return;
        lock (_gate)
        {
            if (_positions >= count) return;
            int half = HeadDim / 2, n = Math.Max(count, 2 * _positions);
            var cos = new float[n * half];
            var sin = new float[n * half];
            for (int t = 0; t < n; t++)
                for (int i = 0; i < half; i++)
                {
                    float angle = t * _invFreq[i];
                    cos[t * half + i] = (float)Math.Cos(angle);
                    sin[t * half + i] = (float)Math.Sin(angle);
                }
            _cos = cos;
            _sin = sin;
            Volatile.Write(ref _positions, n);
        }
    }
}
