using System.Globalization;
using ProbeMonitor.Estimators;
using ProbeMonitor.Statistics;

namespace ProbeMonitor.Evaluation;

/// <summary>The sparse-probing benchmark's <c>find_best_reg</c>: L2 logistic regression, C from logspace(5, −5, 10) by mean validation AUC, refitted on all training rows.</summary>
public static class LogisticSelection
{
    /// <summary>The benchmark's solver settings: lbfgs, max_iter 1000, tol 1e-4, no standardisation.</summary>
    public static LogisticRegressionOptions BenchmarkOptions { get; } = new(MaxIterations: 1000);

    /// <summary>Chooses C and refits. With fewer than four rows or no usable split, C = 1 and the "validation" AUC is the
    /// training AUC, as the benchmark does; skipped single-class folds are reported as warnings.</summary>
    /// <param name="x">Training rows [y.Length, features].</param>
    /// <param name="y">0/1 labels, both classes present.</param>
    /// <param name="features">Columns of x.</param>
    /// <param name="splits">Validation splits over the rows.</param>
    /// <param name="log">Receives warnings.</param>
    /// <param name="what">Names the fit in warnings (e.g. "sae k=16 on 95_toxic_is").</param>
    /// <param name="cs">The C grid; null for the benchmark's.</param>
    /// <param name="options">Solver settings; null for <see cref="BenchmarkOptions"/>.</param>
    /// <exception cref="SingleClassException">The training labels hold one class.</exception>
    public static (LogisticRegressionModel Model, double ValAuc) Fit(float[] x, int[] y, int features, IReadOnlyList<DataSplit> splits,
        EvaluationLog log, string what, double[]? cs = null, LogisticRegressionOptions? options = null)
    {
        var o = options ?? BenchmarkOptions;
        cs ??= CGridSearch.SparseProbingGrid();
        CGridResult? grid = null;
        if (y.Length > 3 && splits.Count > 0)
        {
            try
            {
                grid = CGridSearch.Run(x, y, features, splits, cs, o);
                if (grid.SkippedSplits > 0)
                    log.Warn($"{what}: {grid.SkippedSplits} of {splits.Count} validation splits skipped (one class in the training or validation fold).");
            }
            catch (InvalidOperationException e)
            {
                log.Warn($"{what}: {e.Message} Falling back to C = 1 and the training AUC.");
            }
        }
        else
        {
            log.Warn($"{what}: {y.Length} training rows are too few to validate; C = 1 and val_auc is the training AUC (as the benchmark does).");
        }
        double c = grid?.BestC ?? 1.0;
        var model = LogisticRegression.Fit(x, y, features, o with { C = c });
        double val = grid?.BestScore ?? AucOrNaN(model.PredictLogits(x), y);
        return (model, val);
    }

    /// <summary>"C=…" for tables.</summary>
    public static string Describe(LogisticRegressionModel model) => "C=" + model.C.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>ROC-AUC, or NaN when one class is missing.</summary>
    public static double AucOrNaN(ReadOnlySpan<double> scores, ReadOnlySpan<int> labels) =>
        Roc.TryRocAuc(scores, labels, out double auc) ? auc : double.NaN;
}
