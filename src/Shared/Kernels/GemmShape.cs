namespace ProbeMonitor.Kernels;

/// <summary>Argument checks shared by every GEMM entry point.</summary>
internal static class GemmShape
{
    public static void Check(int aLength, int bLength, int cLength, int m, int n, int k)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"GEMM dimensions must be non-negative, got m={m}, n={n}, k={k}.");
        if ((long)m * k > aLength)
            throw new ArgumentException($"A holds {aLength} floats but m·k = {m}·{k} = {(long)m * k} are needed.");
        if ((long)n * k > bLength)
            throw new ArgumentException($"B holds {bLength} floats but k·n = {k}·{n} = {(long)n * k} are needed.");
        if ((long)m * n > cLength)
            throw new ArgumentException($"C holds {cLength} floats but m·n = {m}·{n} = {(long)m * n} are needed.");
    }
}
