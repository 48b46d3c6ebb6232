namespace ProbeMonitor.Kernels;

/// <summary><see cref="NaiveGemm"/> as a back end: slow and obviously right, selectable with PROBEMONITOR_GEMM=naive.</summary>
public sealed class NaiveGemmBackend : IGemmBackend
{
    /// <inheritdoc/>
    public string Name => "naive";

    /// <inheritdoc/>
    public void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        NaiveGemm.MultiplyTransposedB(a, b, c, m, n, k, accumulate);
    }

    /// <inheritdoc/>
    public void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, b.Length, c.Length, m, n, k);
        NaiveGemm.Multiply(a, b, c, m, n, k, accumulate);
    }

    /// <inheritdoc/>
    public void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, bBits.Length, kind, c.Length, m, n, k);
        NaiveGemm.MultiplyTransposedB(a, Widen(bBits, n * k, kind), c, m, n, k, accumulate);
    }

    /// <inheritdoc/>
    public void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<ushort> bBits, HalfKind kind, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        GemmShape.Check(a.Length, bBits.Length, kind, c.Length, m, n, k);
        NaiveGemm.Multiply(a, Widen(bBits, n * k, kind), c, m, n, k, accumulate);
    }

    private static float[] Widen(ReadOnlySpan<ushort> bits, int count, HalfKind kind)
    {
        var widened = new float[count];
        FloatConversion.ToSingle(bits[..count], widened, kind);
        return widened;
    }
}
