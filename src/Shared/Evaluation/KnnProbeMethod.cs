using ProbeMonitor.Estimators;

namespace ProbeMonitor.Evaluation;

/// <summary>"knn": standardise, k-nearest neighbours (Euclidean, uniform vote), k from numpy's unique(logspace(0, log2(m), 10, base 2))
/// with m = min(n − 1, 100, smallest training fold), chosen by validation AUC (the benchmark's <c>find_best_knn</c>).</summary>
public sealed class KnnProbeMethod : IProbeMethod
{
    /// <inheritdoc />
    public string Name => "knn";

    /// <inheritdoc />
    public FittedProbe Fit(ProbeData train, IReadOnlyList<DataSplit> splits, EvaluationLog log)
    {
        var set = train.Set;
        int n = set.Rows, d = set.Dim;
        var scaling = FeatureScaling.Fit(set.Features, d);
        var x = scaling.Transform(set.Features);
        var y = set.Labels;
        int k = 1;
        double score = double.NaN;
        if (n > 3 && splits.Count > 0)
        {
            int m = Math.Min(Math.Min(n - 1, 100), splits.Min(s => s.Train.Length));
            var grid = ValidationSearch.IntLogGrid(Math.Max(1, m));
            var (best, s) = ValidationSearch.Choose(grid.Length, splits, y, (c, split) =>
            {
                var model = KNeighborsModel.Fit(RowSelection.Gather(x, d, split.Train), RowSelection.Gather<int>(y, split.Train), d, new KNeighborsOptions(grid[c]));
                return Statistics.Roc.RocAuc(model.PredictProba(RowSelection.Gather(x, d, split.Test)), RowSelection.Gather<int>(y, split.Test));
            }, log, $"knn on {set.Name}");
            if (best >= 0) (k, score) = (grid[best], s);
        }
        var final = KNeighborsModel.Fit(x, y, d, new KNeighborsOptions(k));
        if (double.IsNaN(score))
        {
            log.Warn($"knn on {set.Name}: no usable validation split; k = 1 and val_auc is the training AUC.");
            score = LogisticSelection.AucOrNaN(final.PredictProba(x), y);
        }
        return new FittedProbe(Name, score, $"k={k}", data => final.PredictProba(scaling.Transform(data.Set.Features)), Threshold: 0.5);
    }
}
