namespace ProbeMonitor.Probes.Calibration;

/// <summary>The fitted parameters of a calibrator as plain data for the manifest; which fields are set depends on the method.</summary>
/// <param name="A">Platt slope a in sigmoid(a·logit + b).</param>
/// <param name="B">Platt intercept b.</param>
/// <param name="Temperature">Temperature T in sigmoid(logit / T).</param>
/// <param name="X">Isotonic knots: strictly increasing logits.</param>
/// <param name="Y">Isotonic values at the knots: non-decreasing probabilities.</param>
public sealed record CalibrationParameters(
    double? A = null,
    double? B = null,
    double? Temperature = null,
    double[]? X = null,
    double[]? Y = null)
{
    /// <summary>No parameters, for <see cref="CalibrationMethod.None"/>.</summary>
    public static CalibrationParameters Empty { get; } = new();
}
