namespace ProbeMonitor.Probes;

/// <summary>The parameters of a dense probe: logit = w·((x − mean) / scale) + b, standardisation optional.</summary>
/// <param name="Weights">w [d_model].</param>
/// <param name="Bias">b.</param>
/// <param name="Mean">Per-feature mean [d_model] subtracted before scaling, or null for none (then Scale must be null too).</param>
/// <param name="Scale">Per-feature scale [d_model] divided by, or null for none (then Mean must be null too).</param>
public sealed record DenseProbeWeights(float[] Weights, float Bias, float[]? Mean = null, float[]? Scale = null)
{
    /// <summary>Whether the probe standardises its input.</summary>
    public bool Standardizes => Mean is not null;
}
