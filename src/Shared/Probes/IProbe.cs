namespace ProbeMonitor.Probes;

/// <summary>A binary probe that turns residual-stream activations into uncalibrated logits.</summary>
/// <remarks>Implementations are immutable and safe to call from several threads at once.</remarks>
public interface IProbe
{
    /// <summary>The probe's identifier, as in its bundle manifest; every error message names it.</summary>
    string Id { get; }

    /// <summary>Whether the probe is dense or reads SAE latents.</summary>
    ProbeKind Kind { get; }

    /// <summary>The length of one input vector (the model's d_model).</summary>
    int InputDim { get; }

    /// <summary>Scores <paramref name="n"/> row-major activation vectors <paramref name="x"/> [n, InputDim] into <paramref name="logits"/> [n].</summary>
    /// <exception cref="ArgumentException">The input has the wrong size or holds NaN/Inf, or <paramref name="logits"/> is shorter than n.</exception>
    void ScoreLogits(ReadOnlySpan<float> x, int n, Span<float> logits);
}
