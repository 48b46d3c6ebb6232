using System.Globalization;
using ProbeMonitor.Estimators;
using ProbeMonitor.Statistics;

namespace ProbeMonitor.Evaluation;

/// <summary>"attn": an <see cref="AttentionProbe"/> over token activations, C from {0.01, 0.1, 1, 10, 100} by validation AUC. Needs <c>--pooling none</c> files.</summary>
public sealed class AttentionProbeMethod : IProbeMethod
{
    /// <summary>The C grid searched.</summary>
    public static IReadOnlyList<double> Grid { get; } = [0.01, 0.1, 1, 10, 100];

    /// <inheritdoc />
    public string Name => "attn";

    /// <inheritdoc />
    public FittedProbe Fit(ProbeData train, IReadOnlyList<DataSplit> splits, EvaluationLog log)
    {
        var tokens = train.Set.Tokens ?? throw new MethodNotApplicableException(
            $"the attention probe needs per-token activations; {train.Set.Name} was extracted with pooling '{train.Set.Pooling}' (extract with --pooling none)");
        var y = train.Labels;
        double bestC = 1, bestScore = double.NaN;
        if (y.Length > 3 && splits.Count > 0)
        {
            foreach (double c in Grid)
            {
                double sum = 0;
                int used = 0;
                foreach (var split in splits)
                {
                    var yTrain = RowSelection.Gather<int>(y, split.Train);
                    var yVal = RowSelection.Gather<int>(y, split.Test);
                    if (!yTrain.Contains(0) || !yTrain.Contains(1) || !yVal.Contains(0) || !yVal.Contains(1)) continue;
                    var probe = AttentionProbe.Fit(tokens.Subset(split.Train), yTrain, c);
                    sum += Roc.RocAuc(probe.PredictLogits(tokens.Subset(split.Test)), yVal);
                    used++;
                }
                if (used == 0) continue;
                if (used < splits.Count) log.Warn($"attn on {train.Set.Name}: {splits.Count - used} of {splits.Count} validation splits skipped (one class in a fold).");
                double mean = sum / used;
                if (double.IsNaN(bestScore) || mean > bestScore) (bestScore, bestC) = (mean, c);
            }
        }
        var final = AttentionProbe.Fit(tokens, y, bestC);
        if (double.IsNaN(bestScore))
        {
            log.Warn($"attn on {train.Set.Name}: no usable validation split; C = 1 and val_auc is the training AUC.");
            bestScore = LogisticSelection.AucOrNaN(final.PredictLogits(tokens), y);
        }
        return new FittedProbe(Name, bestScore, "C=" + bestC.ToString("G3", CultureInfo.InvariantCulture), data => final.PredictLogits(
            data.Set.Tokens ?? throw new MethodNotApplicableException($"the attention probe needs per-token activations for {data.Set.Name}")));
    }
}
