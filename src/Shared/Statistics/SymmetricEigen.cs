namespace ProbeMonitor.Statistics;

/// <summary>Eigen-decomposition of a small dense symmetric matrix by cyclic Jacobi rotations (accurate to a few ulps, O(m³) per sweep).</summary>
internal static class SymmetricEigen
{
    /// <summary>
    /// Eigenvalues in descending order and the matching unit eigenvectors as the columns of an m × m row-major matrix.
    /// The input is copied, not modified; only its upper triangle's symmetric counterpart is assumed equal.
    /// </summary>
    public static (double[] Values, double[] Vectors) Decompose(ReadOnlySpan<double> matrix, int m)
    {
        if (matrix.Length < m * m) throw new ArgumentException($"an {m}×{m} matrix needs {m * m} values, got {matrix.Length}.", nameof(matrix));
        var a = matrix[..(m * m)].ToArray();
        var v = new double[m * m];
        for (int i = 0; i < m; i++) v[i * m + i] = 1;

        double scale = 0;
        foreach (var x in a) scale += x * x;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < m; p++)
                for (int q = p + 1; q < m; q++) off += a[p * m + q] * a[p * m + q];
            if (off <= 1e-32 * scale || off == 0) break;
            for (int p = 0; p < m; p++)
                for (int q = p + 1; q < m; q++)
                    Rotate(a, v, m, p, q);
        }

        var values = new double[m];
        for (int i = 0; i < m; i++) values[i] = a[i * m + i];
        var order = Enumerable.Range(0, m).OrderByDescending(i => values[i]).ToArray();
        var sortedValues = new double[m];
        var sortedVectors = new double[m * m];
        for (int c = 0; c < m; c++)
        {
            sortedValues[c] = values[order[c]];
            for (int r = 0; r < m; r++) sortedVectors[r * m + c] = v[r * m + order[c]];
        }
        return (sortedValues, sortedVectors);
    }

    /// <summary>Zeroes a[p, q] by the rotation that diagonalises the 2 × 2 block (p, q), applied on both sides and to V.</summary>
    private static void Rotate(double[] a, double[] v, int m, int p, int q)
    {
        double apq = a[p * m + q];
        if (apq == 0) return;
        double app = a[p * m + p], aqq = a[q * m + q];
        double theta = (aqq - app) / (2 * apq);
        // The smaller root of t² + 2θt − 1 = 0 keeps the rotation angle ≤ π/4, which is what makes Jacobi stable.
        double t = double.IsInfinity(theta * theta)
            ? 1 / (2 * theta)
            : Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
        double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < m; k++)
        {
            if (k == p || k == q) continue;
            double akp = a[k * m + p], akq = a[k * m + q];
            double newKp = c * akp - s * akq, newKq = s * akp + c * akq;
            a[k * m + p] = a[p * m + k] = newKp;
            a[k * m + q] = a[q * m + k] = newKq;
        }
        a[p * m + p] = app - t * apq;
        a[q * m + q] = aqq + t * apq;
        a[p * m + q] = a[q * m + p] = 0;
        for (int k = 0; k < m; k++)
        {
            double vkp = v[k * m + p], vkq = v[k * m + q];
            v[k * m + p] = c * vkp - s * vkq;
            v[k * m + q] = s * vkp + c * vkq;
        }
    }
}
