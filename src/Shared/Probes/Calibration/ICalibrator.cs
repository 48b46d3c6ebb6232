namespace ProbeMonitor.Probes.Calibration;

/// <summary>A fitted, monotone map from a probe's logit to a calibrated probability.</summary>
public interface ICalibrator
{
    /// <summary>Which method this is.</summary>
    CalibrationMethod Method { get; }

    /// <summary>The calibrated probability of the positive class, in [0, 1], non-decreasing in <paramref name="logit"/>.</summary>
    double Apply(double logit);

    /// <summary>The fitted parameters as plain data; <see cref="Calibrators.Create"/> rebuilds an equal calibrator from them.</summary>
    CalibrationParameters ToParameters();
}
