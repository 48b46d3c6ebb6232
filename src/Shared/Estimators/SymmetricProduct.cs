using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ProbeMonitor.Estimators;

/// <summary>
/// y = K·v for a symmetric K stored in full, reading only its lower triangle: each entry below the diagonal serves both
/// yᵢ += Kᵢⱼvⱼ and yⱼ += Kᵢⱼvᵢ, which halves the memory traffic of the product that dominates a kernel-solver evaluation.
/// </summary>
/// <remarks>
/// Rows are cut into a fixed number of blocks of equal triangle area, each with its own output buffer, and the buffers are
/// summed in block order, so the result does not depend on the thread count.
/// </remarks>
internal sealed unsafe class SymmetricProduct
{
    private readonly double[] _matrix;
    private readonly double* _k;
    private readonly int _n;
    private readonly int[] _bounds;
    private readonly double[][] _buffers;
    private readonly ParallelOptions _parallel;

    /// <param name="k">K [n, n], allocated on the pinned heap (as <see cref="GramMatrix.Compute(float*, int, int, FeatureScaling?, int)"/> does).</param>
    /// <param name="n">Its order.</param>
    /// <param name="parallel">Threads for the row blocks.</param>
    public SymmetricProduct(double[] k, int n, ParallelOptions parallel)
    {
        if (k.Length != (long)n * n) throw new ArgumentException($"SymmetricProduct: the matrix holds {k.Length} values, not {n}².", nameof(k));
        _matrix = k;
        _k = (double*)Unsafe.AsPointer(ref k[0]);
        _n = n;
        _parallel = parallel;
        int blocks = Math.Clamp(n / 128, 1, 8);
        _bounds = new int[blocks + 1];
        for (int t = 1; t <= blocks; t++) _bounds[t] = (int)Math.Round(n * Math.Sqrt((double)t / blocks));
        _bounds[blocks] = n;
        _buffers = new double[blocks][];
        for (int t = 0; t < blocks; t++) _buffers[t] = new double[_bounds[t + 1]];
    }

    /// <summary>y = K·v (both of length n).</summary>
    public void Multiply(double[] v, double[] y)
    {
        int blocks = _buffers.Length;
        if (blocks == 1) Block(v, 0);
        else Parallel.For(0, blocks, _parallel, t => Block(v, t));
        Array.Clear(y, 0, _n);
        for (int t = 0; t < blocks; t++)
        {
            var buffer = _buffers[t];
            for (int j = 0; j < buffer.Length; j++) y[j] += buffer[j];
        }
        GC.KeepAlive(_matrix);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Block(double[] values, int t)
    {
        var buffer = _buffers[t];
        Array.Clear(buffer);
        int i = _bounds[t], end = _bounds[t + 1], n = _n;
        fixed (double* v = values)
        fixed (double* y = buffer)
        {
            for (; i + 4 <= end; i += 4) FourRows(_k + (long)i * n, n, i, v, y);
            for (; i < end; i++) OneRow(_k + (long)i * n, i, v, y);
        }
    }

    /// <summary>Rows i…i+3: the shared columns j &lt; i vectorised, then their own 4 × 4 lower corner.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FourRows(double* k0, int n, int i, double* v, double* y)
    {
        double* k1 = k0 + n, k2 = k1 + n, k3 = k2 + n;
        var s0 = Vector256.Create(v[i]);
        var s1 = Vector256.Create(v[i + 1]);
        var s2 = Vector256.Create(v[i + 2]);
        var s3 = Vector256.Create(v[i + 3]);
        Vector256<double> d0 = default, d1 = default, d2 = default, d3 = default;
        int j = 0;
        for (; j + 4 <= i; j += 4)
        {
            var vj = Vector256.Load(v + j);
            var a0 = Vector256.Load(k0 + j);
            var a1 = Vector256.Load(k1 + j);
            var a2 = Vector256.Load(k2 + j);
            var a3 = Vector256.Load(k3 + j);
            d0 = Vector256.FusedMultiplyAdd(a0, vj, d0);
            d1 = Vector256.FusedMultiplyAdd(a1, vj, d1);
            d2 = Vector256.FusedMultiplyAdd(a2, vj, d2);
            d3 = Vector256.FusedMultiplyAdd(a3, vj, d3);
            var yj = Vector256.Load(y + j);
            yj = Vector256.FusedMultiplyAdd(a0, s0, yj);
            yj = Vector256.FusedMultiplyAdd(a1, s1, yj);
            yj = Vector256.FusedMultiplyAdd(a2, s2, yj);
            yj = Vector256.FusedMultiplyAdd(a3, s3, yj);
            yj.Store(y + j);
        }
        double z0 = Vector256.Sum(d0), z1 = Vector256.Sum(d1), z2 = Vector256.Sum(d2), z3 = Vector256.Sum(d3);
        for (; j < i; j++)
        {
            double vj = v[j];
            z0 += k0[j] * vj;
            z1 += k1[j] * vj;
            z2 += k2[j] * vj;
            z3 += k3[j] * vj;
            y[j] += k0[j] * v[i] + k1[j] * v[i + 1] + k2[j] * v[i + 2] + k3[j] * v[i + 3];
        }
        // The corner: rows i…i+3 × columns i…i+3, lower part and diagonal.
        double* rows = stackalloc double[4];
        rows[0] = z0; rows[1] = z1; rows[2] = z2; rows[3] = z3;
        for (int a = 0; a < 4; a++)
        {
            double* ka = k0 + (long)a * n + i;
            for (int b = 0; b < a; b++)
            {
                rows[a] += ka[b] * v[i + b];
                y[i + b] += ka[b] * v[i + a];
            }
            rows[a] += ka[a] * v[i + a];
        }
        for (int a = 0; a < 4; a++) y[i + a] += rows[a];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneRow(double* row, int i, double* v, double* y)
    {
        double z = 0, vi = v[i];
        for (int j = 0; j < i; j++)
        {
            z += row[j] * v[j];
            y[j] += row[j] * vi;
        }
        y[i] += z + row[i] * vi;
    }
}
