namespace ProbeMonitor.Probes.Calibration;

/// <summary>The uncalibrated map: the logistic sigmoid of the logit.</summary>
public sealed class IdentityCalibrator : ICalibrator
{
    /// <summary>The one instance.</summary>
    public static IdentityCalibrator Instance { get; } = new();

    private IdentityCalibrator() { }

    /// <inheritdoc />
    public CalibrationMethod Method => CalibrationMethod.None;

    /// <inheritdoc />
    public double Apply(double logit) => Logistic.Sigmoid(logit);

    /// <inheritdoc />
    public CalibrationParameters ToParameters() => CalibrationParameters.Empty;
}
