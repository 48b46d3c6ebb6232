namespace ProbeMonitor.Probes.Calibration;

/// <summary>Isotonic calibration: a non-decreasing piecewise-linear map through knots fitted by pool-adjacent-violators.</summary>
/// <remarks>
/// Behaves like scikit-learn's <c>IsotonicRegression(increasing=True, out_of_bounds='clip')</c>: tied inputs are merged
/// into their weighted mean, the pooled means are kept only at the ends of each constant run, logits between knots are
/// interpolated linearly and logits outside the knots take the end values.
/// </remarks>
public sealed class IsotonicCalibrator : ICalibrator
{
    private readonly double[] _x;
    private readonly double[] _y;

    /// <summary>A calibrator through the given knots; it keeps the arrays, so callers must not mutate them afterwards.</summary>
    /// <exception cref="ArgumentException">The knots are empty, differ in length, are not finite, X is not strictly increasing,
    /// or Y is not non-decreasing within [0, 1].</exception>
    public IsotonicCalibrator(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length == 0 || x.Length != y.Length)
            throw new ArgumentException($"Isotonic knots need equal, non-zero numbers of x and y values, got {x.Length} and {y.Length}.");
        for (int i = 0; i < x.Length; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
                throw new ArgumentException($"Isotonic knot {i} is ({x[i]}, {y[i]}); knots must be finite.");
            if (y[i] < 0 || y[i] > 1)
                throw new ArgumentException($"Isotonic knot {i} has probability {y[i]}, outside [0, 1].");
            if (i > 0 && !(x[i] > x[i - 1]))
                throw new ArgumentException($"Isotonic knot x values must increase strictly, but x[{i - 1}]={x[i - 1]} and x[{i}]={x[i]}.");
            if (i > 0 && y[i] < y[i - 1])
                throw new ArgumentException($"Isotonic knot y values must not decrease, but y[{i - 1}]={y[i - 1]} and y[{i}]={y[i]}.");
        }
        _x = x;
        _y = y;
    }

    /// <summary>The knots' logits, strictly increasing.</summary>
    public IReadOnlyList<double> X => _x;

    /// <summary>The knots' probabilities, non-decreasing.</summary>
    public IReadOnlyList<double> Y => _y;

    /// <inheritdoc />
    public CalibrationMethod Method => CalibrationMethod.Isotonic;

    /// <inheritdoc />
    public double Apply(double logit)
    {
        if (double.IsNaN(logit)) return double.NaN;
        int last = _x.Length - 1;
        if (logit <= _x[0]) return _y[0];
        if (logit >= _x[last]) return _y[last];
        // The first knot ≥ logit is the right end of its segment, as in scipy's interp1d (searchsorted, side='left').
        int hi = Array.BinarySearch(_x, logit);
        if (hi < 0) hi = ~hi;
        int lo = hi - 1;
        double slope = (_y[hi] - _y[lo]) / (_x[hi] - _x[lo]);
        return slope * (logit - _x[lo]) + _y[lo];
    }

    /// <inheritdoc />
    public CalibrationParameters ToParameters() => new(X: (double[])_x.Clone(), Y: (double[])_y.Clone());

    /// <summary>Fits on held-out logits and labels (true = positive).</summary>
    /// <exception cref="ArgumentException">Lengths differ, a logit is not finite, or a class is missing.</exception>
    public static IsotonicCalibrator Fit(ReadOnlySpan<double> logits, ReadOnlySpan<bool> labels)
    {
        CalibrationData.Check("Isotonic", logits, labels);
        var y = new double[labels.Length];
        for (int i = 0; i < y.Length; i++) y[i] = labels[i] ? 1.0 : 0.0;
        return Fit(logits, y);
    }

    /// <summary>Fits a non-decreasing map from <paramref name="x"/> to targets <paramref name="y"/> in [0, 1], each point weight 1.</summary>
    public static IsotonicCalibrator Fit(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length || x.Length == 0)
            throw new ArgumentException($"Isotonic fit needs equal, non-zero numbers of x and y values, got {x.Length} and {y.Length}.");
        for (int i = 0; i < x.Length; i++)
            if (!double.IsFinite(x[i]) || !(y[i] >= 0 && y[i] <= 1))
                throw new ArgumentException($"Isotonic fit: point {i} is ({x[i]}, {y[i]}); x must be finite and y in [0, 1].");

        var (ux, uy, uw) = MergeTies(x, y);
        PoolAdjacentViolators(uy, uw);
        var (kx, ky) = DropInteriorOfRuns(ux, uy);
        return new IsotonicCalibrator(kx, ky);
    }

    /// <summary>Sorts by x and replaces each group of equal x by one point: the weighted mean of its y, weighted by the group size.</summary>
    private static (double[] X, double[] Y, double[] W) MergeTies(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var keys = x.ToArray();
        var values = y.ToArray();
        Array.Sort(keys, values);
        var ux = new List<double>(keys.Length);
        var uy = new List<double>(keys.Length);
        var uw = new List<double>(keys.Length);
        int start = 0;
        while (start < keys.Length)
        {
            int end = start;
            double sum = 0;
            while (end < keys.Length && keys[end] == keys[start]) sum += values[end++];
            ux.Add(keys[start]);
            uy.Add(sum / (end - start));
            uw.Add(end - start);
            start = end;
        }
        return (ux.ToArray(), uy.ToArray(), uw.ToArray());
    }

    /// <summary>Replaces <paramref name="y"/> in place by its weighted least-squares non-decreasing fit.</summary>
    private static void PoolAdjacentViolators(double[] y, double[] w)
    {
        // Blocks are kept on a stack as (first index, weighted sum, total weight); a new point merges backwards while it
        // would sit below the block before it.
        var first = new int[y.Length];
        var sumWy = new double[y.Length];
        var sumW = new double[y.Length];
        int top = -1;
        for (int i = 0; i < y.Length; i++)
        {
            top++;
            first[top] = i;
            sumWy[top] = w[i] * y[i];
            sumW[top] = w[i];
            while (top > 0 && sumWy[top - 1] / sumW[top - 1] >= sumWy[top] / sumW[top])
            {
                sumWy[top - 1] += sumWy[top];
                sumW[top - 1] += sumW[top];
                top--;
            }
        }
        for (int block = 0; block <= top; block++)
        {
            int end = block < top ? first[block + 1] : y.Length;
            double mean = sumWy[block] / sumW[block];
            for (int i = first[block]; i < end; i++) y[i] = mean;
        }
    }

    /// <summary>Keeps the first and last points and every point whose value differs from a neighbour's; the interpolant is unchanged.</summary>
    private static (double[] X, double[] Y) DropInteriorOfRuns(double[] x, double[] y)
    {
        var kx = new List<double>(x.Length);
        var ky = new List<double>(x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            bool keep = i == 0 || i == x.Length - 1 || y[i] != y[i - 1] || y[i] != y[i + 1];
            if (!keep) continue;
            kx.Add(x[i]);
            ky.Add(y[i]);
        }
        return (kx.ToArray(), ky.ToArray());
    }
}
