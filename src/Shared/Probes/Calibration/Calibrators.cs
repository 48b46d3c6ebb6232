namespace ProbeMonitor.Probes.Calibration;

/// <summary>Fits calibrators by method and rebuilds them from their manifest parameters.</summary>
public static class Calibrators
{
    /// <summary>Rebuilds a calibrator from the method and parameters a manifest stores.</summary>
    /// <exception cref="ArgumentException">A parameter the method needs is missing or invalid.</exception>
    public static ICalibrator Create(CalibrationMethod method, CalibrationParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return method switch
        {
            CalibrationMethod.None => IdentityCalibrator.Instance,
            CalibrationMethod.Platt => new PlattScaler(
                parameters.A ?? throw Missing(method, "a"), parameters.B ?? throw Missing(method, "b")),
            CalibrationMethod.Temperature => new TemperatureScaler(parameters.Temperature ?? throw Missing(method, "temperature")),
            CalibrationMethod.Isotonic => new IsotonicCalibrator(
                (double[])(parameters.X ?? throw Missing(method, "x")).Clone(),
                (double[])(parameters.Y ?? throw Missing(method, "y")).Clone()),
            _ => throw new ArgumentException($"Unknown calibration method {(int)method}.", nameof(method)),
        };
    }

    /// <summary>Fits a calibrator of the given method on held-out logits and labels (true = positive).</summary>
    public static ICalibrator Fit(CalibrationMethod method, ReadOnlySpan<double> logits, ReadOnlySpan<bool> labels) => method switch
    {
        CalibrationMethod.None => IdentityCalibrator.Instance,
        CalibrationMethod.Platt => PlattScaler.Fit(logits, labels),
        CalibrationMethod.Temperature => TemperatureScaler.Fit(logits, labels),
        CalibrationMethod.Isotonic => IsotonicCalibrator.Fit(logits, labels),
        _ => throw new ArgumentException($"Unknown calibration method {(int)method}.", nameof(method)),
    };

    private static ArgumentException Missing(CalibrationMethod method, string parameter) =>
        new($"{method} calibration needs the parameter '{parameter}', which is missing.");
}
