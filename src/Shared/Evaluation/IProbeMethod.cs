using ProbeMonitor.Estimators;

namespace ProbeMonitor.Evaluation;

/// <summary>A probing method: chooses its hyper-parameters by mean validation AUC over the given splits, then refits on all training rows.</summary>
public interface IProbeMethod
{
    /// <summary>The name used in results (e.g. "logreg", "pca", "sae").</summary>
    string Name { get; }

    /// <summary>Fits on <paramref name="train"/>; <paramref name="splits"/> index its rows (empty when there are too few rows to validate).</summary>
    /// <exception cref="MethodNotApplicableException">The data lack what the method needs (tokens, SAE latents).</exception>
    FittedProbe Fit(ProbeData train, IReadOnlyList<DataSplit> splits, EvaluationLog log);
}

/// <summary>Thrown when a method cannot run on the data given (say, an attention probe without token activations); protocols skip it with a note.</summary>
public sealed class MethodNotApplicableException(string message) : Exception(message);
