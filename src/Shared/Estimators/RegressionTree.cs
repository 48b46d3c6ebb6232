namespace ProbeMonitor.Estimators;

/// <summary>
/// A binary regression tree stored as parallel arrays. Internal node k sends x left when x[Feature[k]] ≤ Threshold[k];
/// a leaf has Feature = −1 and contributes Value (already shrunk by the learning rate).
/// </summary>
/// <param name="Feature">Split feature per node, −1 for leaves.</param>
/// <param name="Threshold">Split threshold per node.</param>
/// <param name="Left">Left child per node (−1 for leaves).</param>
/// <param name="Right">Right child per node (−1 for leaves).</param>
/// <param name="Value">Leaf value per node (0 for internal nodes).</param>
public sealed record RegressionTree(int[] Feature, float[] Threshold, int[] Left, int[] Right, double[] Value)
{
    /// <summary>The leaf value reached by one row.</summary>
    public double Predict(ReadOnlySpan<float> row)
    {
        int k = 0;
        while (Feature[k] >= 0) k = row[Feature[k]] <= Threshold[k] ? Left[k] : Right[k];
        return Value[k];
    }

    /// <summary>Number of leaves.</summary>
    public int Leaves => Feature.Count(f => f < 0);
}
