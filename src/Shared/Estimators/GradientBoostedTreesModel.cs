namespace ProbeMonitor.Estimators;

/// <summary>A fitted boosted ensemble: logit = Baseline + Σ trees; thresholds are on raw feature values, so prediction needs no binning.</summary>
/// <param name="Baseline">The initial logit, log(p/(1 − p)) of the training positive rate.</param>
/// <param name="Trees">The trees in boosting order, leaf values already shrunk.</param>
/// <param name="Features">Number of input features.</param>
/// <param name="BestIteration">Trees kept (all of them without early stopping).</param>
public sealed record GradientBoostedTreesModel(double Baseline, IReadOnlyList<RegressionTree> Trees, int Features, int BestIteration)
{
    /// <summary>One logit per row of x [rows, Features].</summary>
    public double[] PredictLogits(ReadOnlySpan<float> x)
    {
        int rows = TrainingData.RowsOf(x, Features, nameof(GradientBoostedTreesModel));
        var logits = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            var row = x.Slice(i * Features, Features);
            double z = Baseline;
            foreach (var tree in Trees) z += tree.Predict(row);
            logits[i] = z;
        }
        return logits;
    }

    /// <summary>P(y = 1) per row.</summary>
    public double[] PredictProba(ReadOnlySpan<float> x) => PredictLogits(x).Select(MlpModel.Sigmoid).ToArray();

    /// <summary>Hard labels: 1 where the logit is positive.</summary>
    public int[] Predict(ReadOnlySpan<float> x) => PredictLogits(x).Select(z => z > 0 ? 1 : 0).ToArray();
}
