using ProbeMonitor.Statistics;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics;

public sealed class SymmetricEigenTests
{
    [Fact]
    public void Known_two_by_two_and_diagonal_cases()
    {
        // [[2, 1], [1, 2]] has eigenvalues 3 and 1 with vectors (1, 1)/√2 and (1, −1)/√2.
        var (values, vectors) = SymmetricEigen.Decompose([2.0, 1, 1, 2], 2);
        Assert.Equal(3, values[0], 14);
        Assert.Equal(1, values[1], 14);
        Assert.Equal(1 / Math.Sqrt(2), Math.Abs(vectors[0]), 14);
        Assert.Equal(vectors[0], vectors[2], 14); // column 0 is (a, a)
        var (diagonal, _) = SymmetricEigen.Decompose([1.0, 0, 0, 0, 5, 0, 0, 0, 3], 3);
        Assert.Equal([5.0, 3, 1], diagonal);
    }

    [Fact]
    public void Reconstructs_random_symmetric_matrices()
    {
        var rng = new Random(3);
        foreach (int m in new[] { 1, 3, 8, 30 })
        {
            var a = new double[m * m];
            for (int i = 0; i < m; i++)
                for (int j = i; j < m; j++) a[i * m + j] = a[j * m + i] = rng.NextDouble() * 2 - 1;
            var (values, v) = SymmetricEigen.Decompose(a, m);
            for (int k = 1; k < m; k++) Assert.True(values[k - 1] >= values[k]);
            // A·v_k = λ_k·v_k and VᵀV = I, checked entry by entry.
            for (int k = 0; k < m; k++)
                for (int i = 0; i < m; i++)
                {
                    double av = 0;
                    for (int j = 0; j < m; j++) av += a[i * m + j] * v[j * m + k];
                    Assert.Equal(values[k] * v[i * m + k], av, 12);
                }
            for (int k = 0; k < m; k++)
                for (int l = 0; l < m; l++)
                {
                    double dot = 0;
                    for (int i = 0; i < m; i++) dot += v[i * m + k] * v[i * m + l];
                    Assert.Equal(k == l ? 1 : 0, dot, 12);
                }
        }
    }
}
