using ProbeMonitor.Estimators;

namespace ProbeMonitor.Evaluation;

/// <summary>"pca": standardise, project on the top principal components, logistic regression (C = 1); the number of components
/// from numpy's unique(logspace(0, log2(m), 10, base 2)) with m = min(n, d, 100), chosen by validation AUC (the benchmark's <c>find_best_pcareg</c>).</summary>
/// <remarks>The benchmark fits PCA on all training rows once and validates the logistic head on the projected rows; so does this.
/// m is further capped at n − 1, the most components n rows determine.</remarks>
public sealed class PcaProbeMethod : IProbeMethod
{
    /// <inheritdoc />
    public string Name => "pca";

    /// <inheritdoc />
    public FittedProbe Fit(ProbeData train, IReadOnlyList<DataSplit> splits, EvaluationLog log)
    {
        var set = train.Set;
        int n = set.Rows, d = set.Dim;
        var scaling = FeatureScaling.Fit(set.Features, d);
        var scaled = scaling.Transform(set.Features);
        int m = Math.Min(Math.Min(n - 1, d), 100);
        if (m < 1) throw new MethodNotApplicableException($"PCA needs at least two training rows, got {n}");
        var pca = Pca.Fit(scaled, d, new PcaOptions(m));
        var projected = pca.Transform(scaled);
        var dims = ValidationSearch.IntLogGrid(m);
        var y = set.Labels;
        var options = LogisticSelection.BenchmarkOptions;
        var (best, score) = n > 3 && splits.Count > 0
            ? ValidationSearch.Choose(dims.Length, splits, y, (c, s) =>
            {
                var x = Leading(projected, m, dims[c]);
                var model = LogisticRegression.Fit(RowSelection.Gather(x, dims[c], s.Train), RowSelection.Gather<int>(y, s.Train), dims[c], options);
                return Statistics.Roc.RocAuc(model.PredictLogits(RowSelection.Gather(x, dims[c], s.Test)), RowSelection.Gather<int>(y, s.Test));
            }, log, $"pca on {set.Name}")
            : (-1, double.NaN);
        int components = best >= 0 ? dims[best] : m;
        var head = LogisticRegression.Fit(Leading(projected, m, components), y, components, options);
        if (best < 0)
        {
            log.Warn($"pca on {set.Name}: no usable validation split; {components} components and val_auc is the training AUC.");
            score = LogisticSelection.AucOrNaN(head.PredictLogits(Leading(projected, m, components)), y);
        }
        return new FittedProbe(Name, score, $"components={components}", data =>
            head.PredictLogits(Leading(pca.Transform(scaling.Transform(data.Set.Features)), m, components)));
    }

    /// <summary>The first <paramref name="take"/> of <paramref name="width"/> columns of every row.</summary>
    private static float[] Leading(float[] x, int width, int take)
    {
        int rows = x.Length / width;
        var result = new float[rows * take];
        for (int i = 0; i < rows; i++) x.AsSpan(i * width, take).CopyTo(result.AsSpan(i * take, take));
        return result;
    }
}
