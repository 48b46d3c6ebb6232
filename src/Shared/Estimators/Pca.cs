using ProbeMonitor.Statistics;
using ProbeMonitor.Statistics.Drift;

namespace ProbeMonitor.Estimators;

/// <summary>Principal component analysis in double precision: exact for few features, subspace iteration (randomised start, Rayleigh–Ritz) otherwise.</summary>
/// <remarks>
/// The variance conventions are scikit-learn's: explained variances are covariance eigenvalues with n − 1 in the
/// denominator, and the ratio divides by the total variance of all features, not just the kept ones. Subspace iteration
/// carries <see cref="PcaOptions.Oversampling"/> extra vectors and stops on the Ritz residual, so its eigenvalues match the
/// exact ones to about the tolerance times the largest.
/// </remarks>
public static class Pca
{
    /// <summary>Fits the top components of x [rows, features].</summary>
    /// <exception cref="ArgumentException">Empty or non-finite data, or more components than min(rows − 1, features).</exception>
    public static PcaModel Fit(ReadOnlySpan<float> x, int features, PcaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int rows = TrainingData.RowsOf(x, features, nameof(Pca));
        int k = options.Components, d = features;
        if (rows < 2) throw new ArgumentException($"Pca: needs at least 2 rows, got {rows}.", nameof(x));
        if (k < 1 || k > Math.Min(rows - 1, d))
            throw new ArgumentOutOfRangeException(nameof(options), $"Pca: {k} components requested but at most min(rows − 1, features) = {Math.Min(rows - 1, d)} exist.");

        var mean = new double[d];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= rows;
        double total = 0;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < d; j++)
            {
                double c = x[i * d + j] - mean[j];
                total += c * c;
            }
        total /= rows - 1;

        double[] values, vectors; // vectors as rows [k, d]
        if (d <= options.ExactLimit)
        {
            var cov = Covariance(x, rows, d, mean);
            var (all, columns) = SymmetricEigen.Decompose(cov, d);
            values = all[..k];
            vectors = new double[k * d];
            for (int c = 0; c < k; c++)
                for (int j = 0; j < d; j++) vectors[c * d + j] = columns[j * d + c];
        }
        else
        {
            var fit = new LowRankFitOptions(LowRankFitMethod.SubspaceIteration, Oversampling: options.Oversampling,
                MaxIterations: options.MaxIterations, Tolerance: options.Tolerance, Seed: options.Seed);
            (values, vectors) = SubspaceIteration.TopEigen(new RowReader<float>(x, rows, d), mean, k, fit);
        }

        for (int c = 0; c < k; c++)
        {
            var v = vectors.AsSpan(c * d, d);
            int arg = 0;
            for (int j = 1; j < d; j++)
                if (Math.Abs(v[j]) > Math.Abs(v[arg])) arg = j;
            if (v[arg] < 0)
                for (int j = 0; j < d; j++) v[j] = -v[j];
            values[c] = Math.Max(values[c], 0);
        }
        var ratio = values.Select(v => total > 0 ? v / total : 0).ToArray();
        return new PcaModel(mean, vectors, values, ratio, total);
    }

    private static double[] Covariance(ReadOnlySpan<float> x, int rows, int d, double[] mean)
    {
        var cov = new double[d * d];
        var c = new double[d];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < d; j++) c[j] = x[i * d + j] - mean[j];
            for (int a = 0; a < d; a++)
            {
                double ca = c[a];
                if (ca == 0) continue;
                var dst = cov.AsSpan(a * d, d);
                for (int b = a; b < d; b++) dst[b] += ca * c[b];
            }
        }
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++)
            {
                double v = cov[a * d + b] / (rows - 1);
                cov[a * d + b] = v;
                cov[b * d + a] = v;
            }
        return cov;
    }
}
