using System.Numerics.Tensors;

namespace ProbeMonitor.Estimators.Optimization;

/// <summary>
/// A line search for the strong Wolfe conditions (Nocedal &amp; Wright, Algorithms 3.5 and 3.6): bracket by extrapolation,
/// then zoom with safeguarded cubic interpolation. The accepted point is always the most recent evaluation, so the caller's
/// trial buffers hold x, f and ∇f there when it returns true.
/// </summary>
internal static class WolfeLineSearch
{
    private const double SufficientDecrease = 1e-4;
    private const double Curvature = 0.9;

    /// <summary>The trial point and counters shared by one search.</summary>
    public ref struct Trial
    {
        public ReadOnlySpan<double> Origin;
        public ReadOnlySpan<double> Direction;
        public Span<double> Point;
        public Span<double> Gradient;
        public int Evaluations;
        public int MaxEvaluations;
        public ILbfgsGeometry? Geometry;
    }

    /// <summary>Searches along the direction from f0 (slope dphi0 &lt; 0) starting at alpha0; true with the accepted point in the trial buffers.</summary>
    public static bool Search(DifferentiableFunction f, ref Trial t, double f0, double dphi0, double alpha0, int maxSteps, out double value)
    {
        double aPrev = 0, fPrev = f0, dPrev = dphi0;
        double a = alpha0;
        value = f0;
        for (int i = 0; i < maxSteps; i++)
        {
            if (t.Evaluations >= t.MaxEvaluations) return false;
            var (fa, da) = Evaluate(f, ref t, a);
            if (!double.IsFinite(fa))
            {
                // Overflow far along the line: shorten towards the last good point and try again.
                a = aPrev + 0.25 * (a - aPrev);
                continue;
            }
            if (fa > f0 + SufficientDecrease * a * dphi0 || (i > 0 && fa >= fPrev))
                return Zoom(f, ref t, f0, dphi0, aPrev, fPrev, dPrev, a, fa, da, maxSteps, out value);
            if (Math.Abs(da) <= -Curvature * dphi0)
            {
                value = fa;
                return true;
            }
            if (da >= 0)
                return Zoom(f, ref t, f0, dphi0, a, fa, da, aPrev, fPrev, dPrev, maxSteps, out value);
            double next = CubicMinimizer(aPrev, fPrev, dPrev, a, fa, da);
            if (!double.IsFinite(next) || next < a * 1.1 || next > a * 4) next = a * 2;
            aPrev = a;
            fPrev = fa;
            dPrev = da;
            a = next;
        }
        return false;
    }

    private static bool Zoom(DifferentiableFunction f, ref Trial t, double f0, double dphi0,
        double lo, double fLo, double dLo, double hi, double fHi, double dHi, int maxSteps, out double value)
    {
        for (int j = 0; j < maxSteps; j++)
        {
            double left = Math.Min(lo, hi), right = Math.Max(lo, hi), width = right - left;
            if (width <= 1e-16 * Math.Max(1.0, right)) break;
            double a = CubicMinimizer(lo, fLo, dLo, hi, fHi, dHi);
            if (!double.IsFinite(a) || a < left + 0.1 * width || a > right - 0.1 * width) a = 0.5 * (lo + hi);
            if (t.Evaluations >= t.MaxEvaluations) break;
            var (fa, da) = Evaluate(f, ref t, a);
            if (!double.IsFinite(fa) || fa > f0 + SufficientDecrease * a * dphi0 || fa >= fLo)
            {
                hi = a;
                fHi = fa;
                dHi = da;
            }
            else
            {
                if (Math.Abs(da) <= -Curvature * dphi0)
                {
                    value = fa;
                    return true;
                }
                if (da * (hi - lo) >= 0)
                {
                    hi = lo;
                    fHi = fLo;
                    dHi = dLo;
                }
                lo = a;
                fLo = fa;
                dLo = da;
            }
        }
        // No strong-Wolfe point within budget; a step that still decreases f enough is better than none.
        if (lo > 0 && fLo < f0 && t.Evaluations < t.MaxEvaluations)
        {
            var (fa, _) = Evaluate(f, ref t, lo);
            value = fa;
            return true;
        }
        value = f0;
        return false;
    }

    private static (double Value, double Slope) Evaluate(DifferentiableFunction f, ref Trial t, double alpha)
    {
        TensorPrimitives.MultiplyAdd(t.Direction, alpha, t.Origin, t.Point);
        double value = f(t.Point, t.Gradient);
        t.Evaluations++;
        return (value, t.Geometry is null ? TensorPrimitives.Dot(t.Gradient, t.Direction) : t.Geometry.Slope(t.Gradient, t.Direction));
    }

    /// <summary>Minimiser of the cubic interpolating (a, fa, da) and (b, fb, db); NaN when it has none.</summary>
    private static double CubicMinimizer(double a, double fa, double da, double b, double fb, double db)
    {
        if (!double.IsFinite(fa) || !double.IsFinite(fb) || a == b) return double.NaN;
        double d1 = da + db - 3 * (fa - fb) / (a - b);
        double disc = d1 * d1 - da * db;
        if (disc < 0) return double.NaN;
        double d2 = Math.CopySign(Math.Sqrt(disc), b - a);
        return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
    }
}
