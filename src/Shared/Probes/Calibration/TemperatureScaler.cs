namespace ProbeMonitor.Probes.Calibration;

/// <summary>Temperature scaling: p = sigmoid(logit / T), with T fitted to minimise the negative log-likelihood.</summary>
/// <remarks>
/// The NLL is convex in s = 1/T, so its derivative is monotone and the minimiser is found by bisection on the derivative
/// (in log s) to relative precision 1e-13. T is confined to [1e-6, 1e6]: on separable data the NLL keeps falling as T → 0,
/// and on anti-correlated logits its minimiser over s would be negative, which no temperature can express.
/// </remarks>
public sealed class TemperatureScaler : ICalibrator
{
    /// <summary>The smallest temperature a fit returns.</summary>
    public const double MinTemperature = 1e-6;

    /// <summary>The largest temperature a fit returns.</summary>
    public const double MaxTemperature = 1e6;

    /// <summary>A calibrator with the given temperature.</summary>
    /// <exception cref="ArgumentException">T is not a positive finite number.</exception>
    public TemperatureScaler(double temperature)
    {
        if (!double.IsFinite(temperature) || temperature <= 0)
            throw new ArgumentException($"A temperature must be positive and finite, got {temperature}.", nameof(temperature));
        Temperature = temperature;
    }

    /// <summary>T.</summary>
    public double Temperature { get; }

    /// <inheritdoc />
    public CalibrationMethod Method => CalibrationMethod.Temperature;

    /// <inheritdoc />
    public double Apply(double logit) => Logistic.Sigmoid(logit / Temperature);

    /// <inheritdoc />
    public CalibrationParameters ToParameters() => new(Temperature: Temperature);

    /// <summary>Fits T on held-out logits and labels (true = positive).</summary>
    /// <exception cref="ArgumentException">Lengths differ, a logit is not finite, every logit is zero, or a class is missing.</exception>
    public static TemperatureScaler Fit(ReadOnlySpan<double> logits, ReadOnlySpan<bool> labels)
    {
        CalibrationData.Check("Temperature", logits, labels);
        bool anyNonZero = false;
        foreach (var z in logits) anyNonZero |= z != 0;
        if (!anyNonZero)
            throw new ArgumentException("Temperature fit: every logit is zero, so the likelihood does not depend on T.", nameof(logits));

        double lo = 1.0 / MaxTemperature, hi = 1.0 / MinTemperature;
        if (Derivative(logits, labels, lo) >= 0) return new TemperatureScaler(MaxTemperature);
        if (Derivative(logits, labels, hi) <= 0) return new TemperatureScaler(MinTemperature);
        while (hi / lo > 1.0 + 1e-13)
        {
            double mid = Math.Sqrt(lo * hi);
            if (Derivative(logits, labels, mid) > 0) hi = mid; else lo = mid;
        }
        return new TemperatureScaler(1.0 / Math.Sqrt(lo * hi));
    }

    /// <summary>Mean negative log-likelihood of sigmoid(logit / T) against the labels.</summary>
    public static double NegativeLogLikelihood(ReadOnlySpan<double> logits, ReadOnlySpan<bool> labels, double temperature)
    {
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double margin = (labels[i] ? logits[i] : -logits[i]) / temperature;
            sum += Logistic.Softplus(-margin);
        }
        return sum / logits.Length;
    }

    /// <summary>d/ds of Σ softplus(−y·s·z) with y = ±1: −Σ y·z·sigmoid(−y·s·z).</summary>
    private static double Derivative(ReadOnlySpan<double> logits, ReadOnlySpan<bool> labels, double s)
    {
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double yz = labels[i] ? logits[i] : -logits[i];
            sum -= yz * Logistic.Sigmoid(-s * yz);
        }
        return sum;
    }
}
