namespace ProbeMonitor.Kernels;

/// <summary>Argument checks shared by every GEMM entry point.</summary>
internal static class GemmShape
{
    public static void Check(int aLength, int bLength, int cLength, int m, int n, int k, string bUnit = "floats")
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM dimensions must be non-negative, got m={m}, n={n}, k={k}.");
        if ((long)m * k > aLength)
            throw new ArgumentException($"A holds {aLength} floats but m·k = {m}·{k} = {(long)m * k} are needed.");
        if ((long)n * k > bLength)
            throw new ArgumentException($"B holds {bLength} {bUnit} but k·n = {k}·{n} = {(long)n * k} are needed.");
        if ((long)m * n > cLength)
            throw new ArgumentException($"C holds {cLength} floats but m·n = {m}·{n} = {(long)m * n} are needed.");
    }

    public static void Check(int aLength, int bLength, HalfKind kind, int cLength, int m, int n, int k)
    {
        if (kind is not (HalfKind.BFloat16 or HalfKind.Float16))
            throw new ArgumentOutOfRangeException(nameof(kind), $"unknown 16-bit float kind {(int)kind}.");
        Check(aLength, bLength, cLength, m, n, k, "16-bit values");
    }

    /// <summary>Handles products with an empty dimension, which no back end needs to see; true when done.</summary>
    public static bool HandledTrivially(Span<float> c, int m, int n, int k, bool accumulate)
    {
        if (m == 0 || n == 0) return true;
        if (k > 0) return false;
        if (!accumulate) c[..(m * n)].Clear();
        return true;
    }
}
