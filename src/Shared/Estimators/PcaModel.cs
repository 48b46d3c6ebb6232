namespace ProbeMonitor.Estimators;

/// <summary>A fitted PCA: projection (x − Mean)·Vᵀ onto the top components, with scikit-learn's variance bookkeeping.</summary>
/// <param name="Mean">Per-feature training mean.</param>
/// <param name="Components">V [components, features], unit rows, largest variance first; each row's largest-magnitude entry is positive.</param>
/// <param name="ExplainedVariance">Variance along each component (eigenvalues of the covariance with n − 1 in the denominator).</param>
/// <param name="ExplainedVarianceRatio">ExplainedVariance / TotalVariance (sklearn's explained_variance_ratio_).</param>
/// <param name="TotalVariance">Sum of the per-feature variances (n − 1 denominator).</param>
public sealed record PcaModel(double[] Mean, double[] Components, double[] ExplainedVariance, double[] ExplainedVarianceRatio, double TotalVariance)
{
    /// <summary>Number of input features.</summary>
    public int Features => Mean.Length;

    /// <summary>Number of components kept.</summary>
    public int ComponentCount => ExplainedVariance.Length;

    /// <summary>Projects the rows of x [rows, Features] into <paramref name="destination"/> [rows, ComponentCount].</summary>
    public void Transform(ReadOnlySpan<float> x, Span<float> destination)
    {
        int rows = TrainingData.RowsOf(x, Features, nameof(PcaModel));
        int k = ComponentCount, d = Features;
        TrainingData.CheckOutput(destination.Length, rows * k, nameof(PcaModel), nameof(destination));
        var centred = new double[d];
        for (int i = 0; i < rows; i++)
        {
            var row = x.Slice(i * d, d);
            for (int j = 0; j < d; j++) centred[j] = row[j] - Mean[j];
            for (int c = 0; c < k; c++)
                destination[i * k + c] = (float)System.Numerics.Tensors.TensorPrimitives.Dot<double>(centred, Components.AsSpan(c * d, d));
        }
    }

    /// <summary>The projection of x as a new [rows, ComponentCount] array.</summary>
    public float[] Transform(ReadOnlySpan<float> x)
    {
        var result = new float[x.Length / Math.Max(1, Features) * ComponentCount];
        Transform(x, result);
        return result;
    }
}
