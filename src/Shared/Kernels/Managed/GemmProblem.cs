namespace ProbeMonitor.Kernels.Managed;

/// <summary>One pinned, shape-checked product C[m,n] = A[m,k]·op(B): what a task of the managed back end works on.</summary>
internal readonly unsafe struct GemmProblem(float* a, MatrixSource b, float* c, int m, int n, int k, bool accumulate, bool transposedB)
{
    /// <summary>Row-major [m,k].</summary>
    public float* A { get; } = a;

    /// <summary>Row-major [n,k] when <see cref="TransposedB"/>, else [k,n].</summary>
    public MatrixSource B { get; } = b;

    /// <summary>Row-major [m,n].</summary>
    public float* C { get; } = c;

    public int M { get; } = m;
    public int N { get; } = n;
    public int K { get; } = k;
    public bool Accumulate { get; } = accumulate;

    /// <summary>C = A·Bᵀ with B stored [n,k] (else C = A·B with B stored [k,n]).</summary>
    public bool TransposedB { get; } = transposedB;
}
