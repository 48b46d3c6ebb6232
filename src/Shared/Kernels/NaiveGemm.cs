namespace ProbeMonitor.Kernels;

/// <summary>Triple-loop GEMM with double accumulation: the reference the fast back ends are tested against.</summary>
public static class NaiveGemm
{
    /// <summary>C = A·Bᵀ (+C), B stored [n,k].</summary>
    public static void MultiplyTransposedB(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = accumulate ? c[i * n + j] : 0.0;
            for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * b[j * k + p];
            c[i * n + j] = (float)sum;
        }
    }

    /// <summary>C = A·B (+C), B stored [k,n].</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int n, int k, bool accumulate = false)
    {
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double sum = accumulate ? c[i * n + j] : 0.0;
            for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * b[p * n + j];
            c[i * n + j] = (float)sum;
        }
    }
}
