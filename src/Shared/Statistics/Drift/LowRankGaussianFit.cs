using System.Numerics;
using System.Numerics.Tensors;

namespace ProbeMonitor.Statistics.Drift;

/// <summary>Fits a <see cref="LowRankGaussian"/> to a sample matrix: the mean, the top-r eigenpairs of the covariance, and the residual variance.</summary>
/// <remarks>
/// The covariance is the unbiased one (divides by n − 1, as numpy.cov). σ² is the mean of the discarded eigenvalues,
/// (trace C − Σλ_i)/(d − r), the maximum-likelihood choice of probabilistic PCA (Tipping and Bishop 1999). The centred
/// data are never stored for subspace iteration: each covariance product streams over the rows.
/// </remarks>
public static class LowRankGaussianFit
{
    /// <summary>Fits to <paramref name="rows"/> samples of <paramref name="columns"/> floats, row-major.</summary>
    public static LowRankGaussian Fit(ReadOnlySpan<float> samples, int rows, int columns, int rank, LowRankFitOptions? options = null) =>
        FitCore(samples, rows, columns, rank, options ?? new LowRankFitOptions());

    /// <summary>Fits to <paramref name="rows"/> samples of <paramref name="columns"/> doubles, row-major.</summary>
    public static LowRankGaussian Fit(ReadOnlySpan<double> samples, int rows, int columns, int rank, LowRankFitOptions? options = null) =>
        FitCore(samples, rows, columns, rank, options ?? new LowRankFitOptions());

    private static LowRankGaussian FitCore<T>(ReadOnlySpan<T> samples, int n, int d, int rank, LowRankFitOptions options)
        where T : unmanaged, INumberBase<T>
    {
        if (n < 2) throw new ArgumentOutOfRangeException(nameof(n), n, "fitting a covariance needs at least two samples.");
        if (d < 1) throw new ArgumentOutOfRangeException(nameof(d), d, "the dimension must be at least 1.");
        if ((long)n * d > samples.Length)
            throw new ArgumentException($"samples hold {samples.Length} values but rows × columns = {n} × {d} = {(long)n * d} are needed.", nameof(samples));
        if (rank < 1 || rank > Math.Min(d, n - 1))
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank must lie in [1, min(dimension {d}, samples − 1 = {n - 1})].");

        var data = new RowReader<T>(samples, n, d);
        var mean = new double[d];
        var row = new double[d];
        for (int i = 0; i < n; i++)
        {
            data.Read(i, row);
            for (int j = 0; j < d; j++)
                if (!double.IsFinite(row[j])) throw new ArgumentException($"sample {i}, column {j} is {row[j]}; samples must be finite.", nameof(samples));
            TensorPrimitives.Add(mean, row, mean);
        }
        TensorPrimitives.Divide(mean, n, mean);
        double trace = 0;
        for (int i = 0; i < n; i++)
        {
            data.Centered(i, mean, row);
            trace += TensorPrimitives.Dot(row, row);
        }
        trace /= n - 1;
        if (!(trace > 0)) throw new ArgumentException("the samples have zero variance in every direction; no covariance to fit.", nameof(samples));

        bool exact = options.Method switch
        {
            LowRankFitMethod.Exact => true,
            LowRankFitMethod.SubspaceIteration => false,
            _ => Math.Min(n, d) <= options.ExactLimit,
        };
        var (values, vectors) = exact ? ExactEigen(data, mean, rank) : SubspaceIteration.TopEigen(data, mean, rank, options);

        double floor = options.VarianceFloor * trace / d;
        double kept = 0;
        for (int i = 0; i < rank; i++)
        {
            kept += values[i];
            values[i] = Math.Max(values[i], floor);
            FixSign(vectors.AsSpan(i * d, d));
        }
        double residual = rank < d ? Math.Max((trace - kept) / (d - rank), floor) : 0;
        var model = new LowRankGaussian(mean, vectors, values, residual, 0);

        var distances = new double[n];
        for (int i = 0; i < n; i++)
        {
            data.Centered(i, mean, row);
            distances[i] = Mahalanobis.FromCentered(model, row);
        }
        return new LowRankGaussian(mean, vectors, values, residual, Quantiles.Linear(distances, 0.99));
    }

    /// <summary>Top eigenpairs by Jacobi on whichever of the covariance (d × d) and the Gram matrix (n × n) is smaller.</summary>
    private static (double[] Values, double[] Vectors) ExactEigen<T>(RowReader<T> data, double[] mean, int rank) where T : unmanaged, INumberBase<T>
    {
        int n = data.Rows, d = data.Columns;
        var values = new double[rank];
        var vectors = new double[rank * d];
        if (d <= n)
        {
            var cov = new double[d * d];
            var u = new double[d];
            for (int i = 0; i < n; i++)
            {
                data.Centered(i, mean, u);
                for (int a = 0; a < d; a++)
                    TensorPrimitives.MultiplyAdd(u, u[a], cov.AsSpan(a * d, d), cov.AsSpan(a * d, d));
            }
            TensorPrimitives.Divide(cov, n - 1, cov);
            var (all, basis) = SymmetricEigen.Decompose(cov, d);
            for (int k = 0; k < rank; k++)
            {
                values[k] = all[k];
                for (int j = 0; j < d; j++) vectors[k * d + j] = basis[j * d + k];
            }
            return (values, vectors);
        }
        // n < d: C = XᵀX/(n−1) and G = XXᵀ/(n−1) share their non-zero eigenvalues; v = Xᵀw / ‖Xᵀw‖.
        var centered = new double[(long)n * d];
        for (int i = 0; i < n; i++) data.Centered(i, mean, centered.AsSpan(i * d, d));
        var gram = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
                gram[i * n + j] = gram[j * n + i] = TensorPrimitives.Dot(centered.AsSpan(i * d, d), centered.AsSpan(j * d, d)) / (n - 1);
        var (gramValues, gramVectors) = SymmetricEigen.Decompose(gram, n);
        for (int k = 0; k < rank; k++)
        {
            values[k] = gramValues[k];
            var v = vectors.AsSpan(k * d, d);
            for (int i = 0; i < n; i++) TensorPrimitives.MultiplyAdd(centered.AsSpan(i * d, d), gramVectors[i * n + k], v, v);
            double norm = TensorPrimitives.Norm<double>(v);
            if (norm > 0) TensorPrimitives.Divide(v, norm, v);
        }
        return (values, vectors);
    }

    /// <summary>Eigenvectors have no intrinsic sign; make the largest-magnitude entry positive so fits are reproducible.</summary>
    private static void FixSign(Span<double> v)
    {
        int at = TensorPrimitives.IndexOfMaxMagnitude<double>(v);
        if (v[at] < 0) TensorPrimitives.Negate<double>(v, v);
    }
}
