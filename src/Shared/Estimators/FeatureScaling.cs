namespace ProbeMonitor.Estimators;

/// <summary>Per-feature standardisation (x − Mean) / Scale, fitted like scikit-learn's StandardScaler (population variance, scale 1 for constant features).</summary>
/// <param name="Mean">Per-feature mean.</param>
/// <param name="Scale">Per-feature standard deviation (ddof = 0), replaced by 1 where it is zero so constant features pass through centred.</param>
public sealed record FeatureScaling(double[] Mean, double[] Scale)
{
    /// <summary>Fits the scaling to the rows of x [rows, features] in double precision (two passes, so no cancellation).</summary>
    public static FeatureScaling Fit(ReadOnlySpan<float> x, int features)
    {
        int rows = TrainingData.RowsOf(x, features, nameof(FeatureScaling));
        if (rows == 0) throw new ArgumentException("FeatureScaling: cannot fit to 0 rows.", nameof(x));
        var mean = new double[features];
        for (int i = 0; i < rows; i++)
        {
            var row = x.Slice(i * features, features);
            for (int j = 0; j < features; j++) mean[j] += row[j];
        }
        for (int j = 0; j < features; j++) mean[j] /= rows;
        var scale = new double[features];
        for (int i = 0; i < rows; i++)
        {
            var row = x.Slice(i * features, features);
            for (int j = 0; j < features; j++)
            {
                double c = row[j] - mean[j];
                scale[j] += c * c;
            }
        }
        for (int j = 0; j < features; j++)
        {
            double sd = Math.Sqrt(scale[j] / rows);
            // StandardScaler treats variances at rounding level of the mean as zero; so do we.
            scale[j] = sd < 10 * MachineEpsilon || sd <= 1e-12 * Math.Abs(mean[j]) ? 1.0 : sd;
        }
        return new FeatureScaling(mean, scale);
    }

    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Number of features.</summary>
    public int Features => Mean.Length;

    /// <summary>Writes the standardised copy of x into <paramref name="destination"/> (same shape).</summary>
    public void Transform(ReadOnlySpan<float> x, Span<float> destination)
    {
        int rows = TrainingData.RowsOf(x, Features, nameof(FeatureScaling));
        TrainingData.CheckOutput(destination.Length, x.Length, nameof(FeatureScaling), nameof(destination));
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < Features; j++)
            {
                int k = i * Features + j;
                destination[k] = (float)((x[k] - Mean[j]) / Scale[j]);
            }
    }

    /// <summary>A standardised copy of x.</summary>
    public float[] Transform(ReadOnlySpan<float> x)
    {
        var result = new float[x.Length];
        Transform(x, result);
        return result;
    }
}
