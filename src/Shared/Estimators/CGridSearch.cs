using ProbeMonitor.Statistics;

namespace ProbeMonitor.Estimators;

/// <summary>The outcome of choosing C by cross-validation.</summary>
/// <param name="Cs">The grid, as given.</param>
/// <param name="MeanScores">Mean validation score per C over the usable splits.</param>
/// <param name="BestIndex">Index of the first maximum (numpy argmax semantics).</param>
/// <param name="UsedSplits">Splits that were scored.</param>
/// <param name="SkippedSplits">Splits skipped because their training or validation part held one class.</param>
public sealed record CGridResult(double[] Cs, double[] MeanScores, int BestIndex, int UsedSplits, int SkippedSplits)
{
    /// <summary>The chosen C.</summary>
    public double BestC => Cs[BestIndex];

    /// <summary>The mean validation score of the chosen C.</summary>
    public double BestScore => MeanScores[BestIndex];
}

/// <summary>Chooses the logistic-regression C by mean validation ROC-AUC over splits, fitting a warm-started path per split (sharing one Gram matrix across folds when the kernel solver runs).</summary>
public static class CGridSearch
{
    /// <summary>The sparse-probing grid: logspace(5, −5, 10).</summary>
    public static double[] SparseProbingGrid() => LogisticRegression.LogSpace(5, -5, 10);

    /// <summary>Scores every C on every split; a split whose training or validation rows hold a single class is skipped and counted.</summary>
    /// <exception cref="InvalidOperationException">No split could be scored.</exception>
    public static CGridResult Run(ReadOnlySpan<float> x, ReadOnlySpan<int> y, int features, IReadOnlyList<DataSplit> splits, double[] cs, LogisticRegressionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(splits);
        if (cs.Length == 0) throw new ArgumentException("the C grid is empty.", nameof(cs));
        var o = options ?? new LogisticRegressionOptions();
        var sums = new double[cs.Length];
        int used = 0, skipped = 0;
        // With several folds over raw (unstandardised) rows, one Gram matrix of all rows serves every fold's kernel solve.
        double[]? gram = null;
        int rows = y.Length;
        if (splits.Count > 1 && !o.Standardize && LogisticRegression.UsesKernel(o.Solver, rows, features, cs.Length * splits.Count, false))
            gram = GramMatrix.Compute(x, features, null, o.MaxDegreeOfParallelism);
        foreach (var split in splits)
        {
            var yTrain = RowSelection.Gather(y, split.Train);
            var yVal = RowSelection.Gather(y, split.Test);
            if (yTrain.Distinct().Count() < 2 || yVal.Distinct().Count() < 2)
            {
                skipped++;
                continue;
            }
            var xTrain = RowSelection.Gather(x, features, split.Train);
            var xVal = RowSelection.Gather(x, features, split.Test);
            var path = gram is null
                ? LogisticRegression.FitPath(xTrain, yTrain, features, cs, o)
                : LogisticRegression.FitPathOnGram(xTrain, yTrain, features, cs, o, GramMatrix.Gather(gram, rows, split.Train));
            for (int k = 0; k < cs.Length; k++) sums[k] += Roc.RocAuc(path[k].PredictLogits(xVal), yVal);
            used++;
        }
        if (used == 0) throw new InvalidOperationException($"none of the {splits.Count} splits could be scored (each holds one class in its training or validation rows).");
        var means = sums.Select(s => s / used).ToArray();
        int best = 0;
        for (int k = 1; k < means.Length; k++)
            if (means[k] > means[best]) best = k;
        return new CGridResult((double[])cs.Clone(), means, best, used, skipped);
    }
}
