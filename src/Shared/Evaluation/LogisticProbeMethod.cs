using ProbeMonitor.Estimators;

namespace ProbeMonitor.Evaluation;

/// <summary>"logreg": L2 logistic regression on the pooled residual stream, C chosen by validation AUC (the benchmark's main baseline).</summary>
public sealed class LogisticProbeMethod : IProbeMethod
{
    /// <inheritdoc />
    public string Name => "logreg";

    /// <inheritdoc />
    public FittedProbe Fit(ProbeData train, IReadOnlyList<DataSplit> splits, EvaluationLog log)
    {
        var set = train.Set;
        var (model, val) = LogisticSelection.Fit(set.Features, set.Labels, set.Dim, splits, log, $"logreg on {set.Name}");
        return new FittedProbe(Name, val, LogisticSelection.Describe(model), data => model.PredictLogits(data.Set.Features)) { Model = model };
    }
}
