namespace ProbeMonitor.Sae.Training;

/// <summary>The geometric median (the point minimising the summed Euclidean distance to a set), by Weiszfeld's iteration.</summary>
/// <remarks>SAELens starts b_dec here: unlike the mean it is not dragged by the heavy-tailed outlier tokens of a residual stream.</remarks>
public static class GeometricMedian
{
    /// <summary>The median of the <paramref name="n"/> rows of <paramref name="points"/> [n, d], in double.</summary>
    /// <param name="points">Row-major points.</param>
    /// <param name="n">Row count.</param>
    /// <param name="d">Dimension.</param>
    /// <param name="maxIterations">Iteration cap.</param>
    /// <param name="tolerance">Stops when the point moves less than this relative to its norm (or absolutely near 0).</param>
    public static double[] Compute(ReadOnlySpan<float> points, int n, int d, int maxIterations = 100, double tolerance = 1e-7)
    {
        if (n <= 0 || d <= 0 || (long)n * d != points.Length)
            throw new ArgumentException($"geometric median: {points.Length} values do not form {n} points of dimension {d}.");
        var y = new double[d];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++) y[c] += points[i * d + c];
        for (int c = 0; c < d; c++) y[c] /= n;
        var next = new double[d];
        for (int it = 0; it < maxIterations; it++)
        {
            Array.Clear(next);
            double weightSum = 0;
            for (int i = 0; i < n; i++)
            {
                double dist = 0;
                for (int c = 0; c < d; c++)
                {
                    double e = points[i * d + c] - y[c];
                    dist += e * e;
                }
                // A point sitting on the estimate would get infinite weight; the floor keeps the step finite.
                double w = 1.0 / Math.Max(Math.Sqrt(dist), 1e-12);
                weightSum += w;
                for (int c = 0; c < d; c++) next[c] += w * points[i * d + c];
            }
            double move = 0, norm = 0;
            for (int c = 0; c < d; c++)
            {
                next[c] /= weightSum;
                move += (next[c] - y[c]) * (next[c] - y[c]);
                norm += next[c] * next[c];
            }
            (y, next) = (next, y);
            if (Math.Sqrt(move) <= tolerance * Math.Max(1.0, Math.Sqrt(norm))) break;
        }
        return y;
    }
}
