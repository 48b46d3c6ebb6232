using ProbeMonitor.Probes.Calibration;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Probes.Calibration;

public sealed class CalibratorsTests
{
    [Theory]
    [InlineData(CalibrationMethod.None)]
    [InlineData(CalibrationMethod.Platt)]
    [InlineData(CalibrationMethod.Isotonic)]
    [InlineData(CalibrationMethod.Temperature)]
    public void Parameters_rebuild_an_identical_calibrator(CalibrationMethod method)
    {
        var (logits, labels) = ProbeTestData.TwoGaussians(seed: 8, n: 300, separation: 1.4);
        var fitted = Calibrators.Fit(method, logits, labels);
        var rebuilt = Calibrators.Create(method, fitted.ToParameters());
        Assert.Equal(method, rebuilt.Method);
        for (double z = -6; z <= 6; z += 0.1) Assert.Equal(fitted.Apply(z), rebuilt.Apply(z));
    }

    [Fact]
    public void Identity_is_the_logistic_sigmoid()
    {
        var identity = Calibrators.Create(CalibrationMethod.None, CalibrationParameters.Empty);
        Assert.Equal(0.5, identity.Apply(0));
        Assert.Equal(1 / (1 + Math.Exp(-2.0)), identity.Apply(2), 15);
        Assert.Equal(0.0, identity.Apply(-800));
        Assert.Equal(1.0, identity.Apply(800));
    }

    [Fact]
    public void Missing_or_invalid_parameters_are_refused_by_name()
    {
        Assert.Contains("'b'", Assert.Throws<ArgumentException>(() => Calibrators.Create(CalibrationMethod.Platt, new(A: 1))).Message);
        Assert.Contains("'temperature'", Assert.Throws<ArgumentException>(() => Calibrators.Create(CalibrationMethod.Temperature, new())).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => Calibrators.Create(CalibrationMethod.Temperature, new(Temperature: -1))).Message);
        Assert.Contains("'y'", Assert.Throws<ArgumentException>(() => Calibrators.Create(CalibrationMethod.Isotonic, new(X: [0.0]))).Message);
    }

    [Fact]
    public void Expected_calibration_error_matches_a_hand_computation()
    {
        // Bins of width 0.5: {0.1, 0.2, 0.4} with 1 positive → |0.7 − 1| = 0.3; {0.6, 1.0} with 2 positives → |1.6 − 2| = 0.4.
        // Calibration quality of a binary probe is judged on p itself (positive-class mode), the ECE the bundles record.
        double ece = global::ProbeMonitor.Statistics.Calibration.ExpectedCalibrationError([0.1, 0.2, 0.4, 0.6, 1.0], [0, 1, 0, 1, 1], bins: 2, global::ProbeMonitor.Statistics.CalibrationMode.PositiveClass);
        Assert.Equal((0.3 + 0.4) / 5, ece, 15);
        Assert.Equal(0.0, global::ProbeMonitor.Statistics.Calibration.ExpectedCalibrationError([0.0, 1.0], [0, 1], mode: global::ProbeMonitor.Statistics.CalibrationMode.PositiveClass), 15);
    }
}
