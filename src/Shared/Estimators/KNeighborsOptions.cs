namespace ProbeMonitor.Estimators;

/// <summary>Distance used by <see cref="KNeighborsModel"/>.</summary>
public enum NeighborDistance
{
    /// <summary>‖a − b‖₂ (scikit-learn's default minkowski p = 2).</summary>
    Euclidean,

    /// <summary>1 − a·b / (‖a‖‖b‖); a zero vector is at distance 1 from everything.</summary>
    Cosine,
}

/// <summary>Settings of the k-nearest-neighbour classifier (scikit-learn's KNeighborsClassifier, uniform weights, brute force).</summary>
/// <param name="K">Number of neighbours voting.</param>
/// <param name="Distance">The distance.</param>
/// <param name="MaxDegreeOfParallelism">Threads over query rows; 0 = all processors.</param>
public sealed record KNeighborsOptions(int K = 5, NeighborDistance Distance = NeighborDistance.Euclidean, int MaxDegreeOfParallelism = 0);
