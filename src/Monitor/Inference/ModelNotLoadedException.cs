namespace ProbeMonitor.Monitor.Inference;

/// <summary>A text or token request arrived but no model can produce activations (the transport maps this to FAILED_PRECONDITION).</summary>
public sealed class ModelNotLoadedException(string message) : InvalidOperationException(message)
{
    /// <summary>The message when no model is configured.</summary>
    public const string NoModel = "no model loaded: start with --model DIR or push activations";

    /// <summary>The error for a sidecar started without a model.</summary>
    public static ModelNotLoadedException NotConfigured() => new(NoModel);

    /// <summary>The error for a sidecar given --model DIR by a build that has no engine to load it.</summary>
    public static ModelNotLoadedException NoEngine(string modelDir) =>
        new($"no model loaded: --model '{modelDir}' was given but this build has no model engine (no IActivationSource is registered); push activations");
}
