namespace ProbeMonitor.Estimators;

/// <summary>Settings of <see cref="GradientBoostedTrees"/> (histogram-based binary boosting, in the spirit of scikit-learn's HistGradientBoostingClassifier).</summary>
/// <param name="MaxIterations">Number of boosting rounds (one tree each).</param>
/// <param name="LearningRate">Shrinkage applied to every leaf value.</param>
/// <param name="MaxDepth">Depth limit of each tree (root = depth 0).</param>
/// <param name="MinSamplesLeaf">Fewest training rows a leaf may hold.</param>
/// <param name="L2Regularization">λ in the leaf value −G/(H + λ) and in the split gain.</param>
/// <param name="MaxBins">Histogram bins per feature (at most 255), from training quantiles.</param>
/// <param name="EarlyStopping">Hold out a validation fraction and stop when its log-loss stops improving.</param>
/// <param name="ValidationFraction">Share of rows held out for early stopping.</param>
/// <param name="Patience">Rounds without improvement before stopping.</param>
/// <param name="Tolerance">Smallest improvement of the validation loss that counts.</param>
/// <param name="Seed">Seed for the validation split.</param>
/// <param name="MaxDegreeOfParallelism">Threads over features while building histograms; 0 = all processors. Results do not depend on it.</param>
public sealed record GradientBoostingOptions(
    int MaxIterations = 100,
    double LearningRate = 0.1,
    int MaxDepth = 3,
    int MinSamplesLeaf = 20,
    double L2Regularization = 0,
    int MaxBins = 255,
    bool EarlyStopping = false,
    double ValidationFraction = 0.1,
    int Patience = 10,
    double Tolerance = 1e-7,
    int Seed = 0,
    int MaxDegreeOfParallelism = 0)
{
    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), $"GradientBoostedTrees: MaxIterations must be ≥ 1, got {MaxIterations}.");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), $"GradientBoostedTrees: LearningRate must be positive, got {LearningRate}.");
        if (MaxDepth < 1) throw new ArgumentOutOfRangeException(nameof(MaxDepth), $"GradientBoostedTrees: MaxDepth must be ≥ 1, got {MaxDepth}.");
        if (MinSamplesLeaf < 1) throw new ArgumentOutOfRangeException(nameof(MinSamplesLeaf), $"GradientBoostedTrees: MinSamplesLeaf must be ≥ 1, got {MinSamplesLeaf}.");
        if (!(L2Regularization >= 0)) throw new ArgumentOutOfRangeException(nameof(L2Regularization), $"GradientBoostedTrees: L2Regularization must be ≥ 0, got {L2Regularization}.");
        if (MaxBins is < 2 or > 255) throw new ArgumentOutOfRangeException(nameof(MaxBins), $"GradientBoostedTrees: MaxBins must be in 2…255, got {MaxBins}.");
        if (EarlyStopping && !(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), $"GradientBoostedTrees: ValidationFraction must be in (0, 1), got {ValidationFraction}.");
    }
}
