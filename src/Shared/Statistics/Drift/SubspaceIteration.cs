using System.Numerics;
using System.Numerics.Tensors;

namespace ProbeMonitor.Statistics.Drift;

/// <summary>
/// Top eigenpairs of a sample covariance by subspace (block power) iteration with Rayleigh–Ritz, streaming over the rows
/// for each product C·Q so the centred data are never stored.
/// </summary>
/// <remarks>
/// Carrying p extra vectors makes the k-th direction converge like (λ_{r+p+1}/λ_k)^iterations instead of
/// (λ_{k+1}/λ_k)^iterations. Each step: Z = C·Q, H = QᵀZ, H = WΘWᵀ, Ritz vectors V = QW with C·V = ZW exactly,
/// so the residual ‖C·v − θv‖ costs nothing extra; then Q ← orth(ZW).
/// </remarks>
internal static class SubspaceIteration
{
    public static (double[] Values, double[] Vectors) TopEigen<T>(RowReader<T> data, double[] mean, int rank, LowRankFitOptions options)
        where T : unmanaged, INumberBase<T>
    {
        int d = data.Columns;
        int block = Math.Min(rank + Math.Max(0, options.Oversampling), Math.Min(d, data.Rows - 1));
        var rng = new Random(options.Seed);
        var q = new double[block * d];
        for (int i = 0; i < q.Length; i++) q[i] = Gaussian(rng);
        Orthonormalize(q, block, d, rng);

        var z = new double[block * d];
        var zw = new double[block * d];
        var ritz = new double[block * d];
        var theta = new double[block];
        var u = new double[d];
        for (int iteration = 0; ; iteration++)
        {
            CovarianceTimes(data, mean, q, z, block, u);
            var h = new double[block * block];
            for (int a = 0; a < block; a++)
                for (int b = a; b < block; b++)
                {
                    double dot = (TensorPrimitives.Dot(q.AsSpan(a * d, d), z.AsSpan(b * d, d)) + TensorPrimitives.Dot(q.AsSpan(b * d, d), z.AsSpan(a * d, d))) / 2;
                    h[a * block + b] = h[b * block + a] = dot;
                }
            var (values, w) = SymmetricEigen.Decompose(h, block);
            Array.Clear(ritz);
            Array.Clear(zw);
            for (int k = 0; k < block; k++)
                for (int l = 0; l < block; l++)
                {
                    double wlk = w[l * block + k];
                    TensorPrimitives.MultiplyAdd(q.AsSpan(l * d, d), wlk, ritz.AsSpan(k * d, d), ritz.AsSpan(k * d, d));
                    TensorPrimitives.MultiplyAdd(z.AsSpan(l * d, d), wlk, zw.AsSpan(k * d, d), zw.AsSpan(k * d, d));
                }
            values.AsSpan(0, block).CopyTo(theta);
            double worst = 0;
            for (int k = 0; k < rank; k++)
            {
                // ‖C·v − θv‖ with C·v = (ZW)_k.
                TensorPrimitives.MultiplyAdd(ritz.AsSpan(k * d, d), -theta[k], zw.AsSpan(k * d, d), u);
                worst = Math.Max(worst, TensorPrimitives.Norm<double>(u));
            }
            if (worst <= options.Tolerance * Math.Abs(theta[0]) || iteration + 1 >= options.MaxIterations)
            {
                var vectors = ritz.AsSpan(0, rank * d).ToArray();
                return (theta.AsSpan(0, rank).ToArray(), vectors);
            }
            zw.CopyTo(q, 0);
            Orthonormalize(q, block, d, rng);
        }
    }

    /// <summary>Z = C·Q with C = Σ_i u_i u_iᵀ / (n − 1), one pass over the rows.</summary>
    private static void CovarianceTimes<T>(RowReader<T> data, double[] mean, double[] q, double[] z, int block, double[] u)
        where T : unmanaged, INumberBase<T>
    {
        int d = data.Columns;
        Array.Clear(z);
        for (int i = 0; i < data.Rows; i++)
        {
            data.Centered(i, mean, u);
            for (int k = 0; k < block; k++)
            {
                double c = TensorPrimitives.Dot(q.AsSpan(k * d, d), u);
                TensorPrimitives.MultiplyAdd(u, c, z.AsSpan(k * d, d), z.AsSpan(k * d, d));
            }
        }
        TensorPrimitives.Divide(z, data.Rows - 1, z);
    }

    /// <summary>Modified Gram–Schmidt, run twice ("twice is enough"); a vector that collapses is replaced by a random one.</summary>
    private static void Orthonormalize(double[] q, int count, int d, Random rng)
    {
        for (int k = 0; k < count; k++)
        {
            var v = q.AsSpan(k * d, d);
            for (int attempt = 0; ; attempt++)
            {
                double before = TensorPrimitives.Norm<double>(v);
                for (int pass = 0; pass < 2; pass++)
                    for (int j = 0; j < k; j++)
                    {
                        var prior = q.AsSpan(j * d, d);
                        TensorPrimitives.MultiplyAdd(prior, -TensorPrimitives.Dot(prior, v), v, v);
                    }
                double norm = TensorPrimitives.Norm<double>(v);
                if (norm > 1e-10 * before && norm > 0)
                {
                    TensorPrimitives.Divide(v, norm, v);
                    break;
                }
                if (attempt > 5) throw new InvalidOperationException("subspace iteration could not extend its basis; the data span fewer directions than requested.");
                for (int i = 0; i < d; i++) v[i] = Gaussian(rng);
            }
        }
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
