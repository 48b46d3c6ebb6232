using System.Globalization;
using ProbeMonitor.Estimators;

namespace ProbeMonitor.Evaluation;

/// <summary>"mlp": a standardised ReLU MLP with Adam, the benchmark's <c>find_best_mlp</c> with its single random configuration.</summary>
/// <remarks>
/// The benchmark draws one configuration with numpy seed 42: hidden_layer_sizes (16, 16, 16), learning_rate_init 10^−2.5,
/// alpha 0.01, max_iter 1000, and reports its mean validation AUC before refitting on all training rows. This project's
/// MLP has one hidden layer, so it uses one layer of 16 units with the same learning rate and penalty; no early stopping
/// (sklearn's default), so training stops when the training loss stops improving by 1e-4 for 10 epochs.
/// </remarks>
public sealed class MlpProbeMethod : IProbeMethod
{
    /// <summary>The configuration used.</summary>
    public static MlpOptions Options { get; } = new(HiddenUnits: 16, LearningRate: 0.0031622776601683794, L2: 0.01, MaxEpochs: 1000, EarlyStopping: false, Seed: 42);

    /// <inheritdoc />
    public string Name => "mlp";

    /// <inheritdoc />
    public FittedProbe Fit(ProbeData train, IReadOnlyList<DataSplit> splits, EvaluationLog log)
    {
        var set = train.Set;
        int d = set.Dim;
        var y = set.Labels;
        var (_, score) = set.Rows > 3 && splits.Count > 0
            ? ValidationSearch.Choose(1, splits, y, (_, s) =>
            {
                var model = MlpClassifier.Fit(RowSelection.Gather(set.Features, d, s.Train), RowSelection.Gather<int>(y, s.Train), d, Options);
                return Statistics.Roc.RocAuc(model.PredictLogits(RowSelection.Gather(set.Features, d, s.Test)), RowSelection.Gather<int>(y, s.Test));
            }, log, $"mlp on {set.Name}")
            : (-1, double.NaN);
        var final = MlpClassifier.Fit(set.Features, y, d, Options);
        if (double.IsNaN(score))
        {
            log.Warn($"mlp on {set.Name}: no usable validation split; val_auc is the training AUC.");
            score = LogisticSelection.AucOrNaN(final.PredictLogits(set.Features), y);
        }
        string chosen = string.Create(CultureInfo.InvariantCulture, $"hidden={Options.HiddenUnits},lr={Options.LearningRate:G3},alpha={Options.L2:G3}");
        return new FittedProbe(Name, score, chosen, data => final.PredictLogits(data.Set.Features));
    }
}
