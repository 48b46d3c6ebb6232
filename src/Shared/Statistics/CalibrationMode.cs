namespace ProbeMonitor.Statistics;

/// <summary>What a calibration bin compares.</summary>
public enum CalibrationMode
{
    /// <summary>Guo et al. (2017): confidence max(p, 1 − p) of the predicted class (1 when p ≥ 0.5) against whether that prediction is right.</summary>
    TopLabel,

    /// <summary>Predicted probability of class 1 against the observed fraction of class 1 (the reliability diagram of a binary score).</summary>
    PositiveClass,
}
