using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ProbeMonitor.Estimators;

/// <summary>
/// Products of single-precision data with double-precision parameters, widened before multiplying so the result equals
/// a double-precision computation on the float data exactly (no rounding of x), at half the memory traffic of a double copy.
/// </summary>
/// <remarks>The four-row variants read w (or update g) once per four rows, which keeps the parameter vector's L1/L2 traffic low.</remarks>
internal static unsafe class MixedPrecisionKernels
{
    /// <summary>Σ_j x[j]·w[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(float* x, double* w, int d)
    {
        var a0 = Vector256<double>.Zero;
        var a1 = Vector256<double>.Zero;
        int j = 0;
        for (; j <= d - 8; j += 8)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Load(x + j));
            a0 = Vector256.FusedMultiplyAdd(lo, Vector256.Load(w + j), a0);
            a1 = Vector256.FusedMultiplyAdd(hi, Vector256.Load(w + j + 4), a1);
        }
        double sum = Vector256.Sum(a0 + a1);
        for (; j < d; j++) sum += x[j] * w[j];
        return sum;
    }

    /// <summary>The dot products of four consecutive rows (stride d) with w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4(float* x, double* w, int d, out double z0, out double z1, out double z2, out double z3)
    {
        var a0 = Vector256<double>.Zero;
        var a1 = Vector256<double>.Zero;
        var a2 = Vector256<double>.Zero;
        var a3 = Vector256<double>.Zero;
        float* x1 = x + d, x2 = x + 2 * d, x3 = x + 3 * d;
        int j = 0;
        for (; j <= d - 8; j += 8)
        {
            var wLo = Vector256.Load(w + j);
            var wHi = Vector256.Load(w + j + 4);
            var (l0, h0) = Vector256.Widen(Vector256.Load(x + j));
            a0 = Vector256.FusedMultiplyAdd(h0, wHi, Vector256.FusedMultiplyAdd(l0, wLo, a0));
            var (l1, h1) = Vector256.Widen(Vector256.Load(x1 + j));
            a1 = Vector256.FusedMultiplyAdd(h1, wHi, Vector256.FusedMultiplyAdd(l1, wLo, a1));
            var (l2, h2) = Vector256.Widen(Vector256.Load(x2 + j));
            a2 = Vector256.FusedMultiplyAdd(h2, wHi, Vector256.FusedMultiplyAdd(l2, wLo, a2));
            var (l3, h3) = Vector256.Widen(Vector256.Load(x3 + j));
            a3 = Vector256.FusedMultiplyAdd(h3, wHi, Vector256.FusedMultiplyAdd(l3, wLo, a3));
        }
        z0 = Vector256.Sum(a0);
        z1 = Vector256.Sum(a1);
        z2 = Vector256.Sum(a2);
        z3 = Vector256.Sum(a3);
        for (; j < d; j++)
        {
            double wj = w[j];
            z0 += x[j] * wj;
            z1 += x1[j] * wj;
            z2 += x2[j] * wj;
            z3 += x3[j] * wj;
        }
    }

    /// <summary>g[j] += r·x[j].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(double r, float* x, double* g, int d)
    {
        var rv = Vector256.Create(r);
        int j = 0;
        for (; j <= d - 8; j += 8)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Load(x + j));
            Vector256.Store(Vector256.FusedMultiplyAdd(lo, rv, Vector256.Load(g + j)), g + j);
            Vector256.Store(Vector256.FusedMultiplyAdd(hi, rv, Vector256.Load(g + j + 4)), g + j + 4);
        }
        for (; j < d; j++) g[j] += r * x[j];
    }

    /// <summary>g[j] += Σ_k r_k·x_k[j] over four consecutive rows (stride d).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Axpy4(double r0, double r1, double r2, double r3, float* x, double* g, int d)
    {
        var v0 = Vector256.Create(r0);
        var v1 = Vector256.Create(r1);
        var v2 = Vector256.Create(r2);
        var v3 = Vector256.Create(r3);
        float* x1 = x + d, x2 = x + 2 * d, x3 = x + 3 * d;
        int j = 0;
        for (; j <= d - 8; j += 8)
        {
            var gLo = Vector256.Load(g + j);
            var gHi = Vector256.Load(g + j + 4);
            var (l0, h0) = Vector256.Widen(Vector256.Load(x + j));
            gLo = Vector256.FusedMultiplyAdd(l0, v0, gLo);
            gHi = Vector256.FusedMultiplyAdd(h0, v0, gHi);
            var (l1, h1) = Vector256.Widen(Vector256.Load(x1 + j));
            gLo = Vector256.FusedMultiplyAdd(l1, v1, gLo);
            gHi = Vector256.FusedMultiplyAdd(h1, v1, gHi);
            var (l2, h2) = Vector256.Widen(Vector256.Load(x2 + j));
            gLo = Vector256.FusedMultiplyAdd(l2, v2, gLo);
            gHi = Vector256.FusedMultiplyAdd(h2, v2, gHi);
            var (l3, h3) = Vector256.Widen(Vector256.Load(x3 + j));
            gLo = Vector256.FusedMultiplyAdd(l3, v3, gLo);
            gHi = Vector256.FusedMultiplyAdd(h3, v3, gHi);
            Vector256.Store(gLo, g + j);
            Vector256.Store(gHi, g + j + 4);
        }
        for (; j < d; j++) g[j] += r0 * x[j] + r1 * x1[j] + r2 * x2[j] + r3 * x3[j];
    }
}
