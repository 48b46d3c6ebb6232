using ProbeMonitor.Probes.Calibration;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>The calibration section: the method, its fitted parameters, and the expected calibration error before and after.</summary>
public sealed record ManifestCalibration(CalibrationMethod Method, CalibrationParameters Parameters, double? EceBefore = null, double? EceAfter = null);

/// <summary>The decision section: a threshold on the calibrated probability and the operating point it was chosen for.</summary>
public sealed record ManifestDecision(double Threshold, OperatingPoint? OperatingPoint = null);

/// <summary>The false-positive rate a threshold was chosen for, and the rates it achieved on validation data.</summary>
public sealed record OperatingPoint(double TargetFpr, double Fpr, double Tpr);
