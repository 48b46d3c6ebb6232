namespace ProbeMonitor.Probes.Calibration;

/// <summary>Platt scaling: p = sigmoid(A·logit + B), fitted by Newton's method on Platt's smoothed targets.</summary>
/// <remarks>
/// Sign convention: positive A means larger logits are more likely positive. scikit-learn's <c>_SigmoidCalibration</c> writes
/// p = sigmoid(−(a·f + b)), so A = −a and B = −b. As in Platt (1999) §2.2 and scikit-learn, the targets are
/// (N₊ + 1)/(N₊ + 2) for positives and 1/(N₋ + 2) for negatives, which keeps the fit finite on separable data.
/// The optimiser is Newton with a small ridge and a backtracking line search (Lin, Lin and Weng 2007), which reaches the
/// exact optimum where scikit-learn's BFGS stops at a gradient tolerance of 1e-5.
/// </remarks>
public sealed class PlattScaler : ICalibrator
{
    private const int MaxIterations = 100;
    private const double Ridge = 1e-12;

    /// <summary>A calibrator with the given slope and intercept.</summary>
    /// <exception cref="ArgumentException">A or B is NaN or infinite.</exception>
    public PlattScaler(double a, double b)
    {
        if (!double.IsFinite(a) || !double.IsFinite(b))
            throw new ArgumentException($"Platt parameters must be finite, got a={a}, b={b}.");
        A = a;
        B = b;
    }

    /// <summary>The slope.</summary>
    public double A { get; }

    /// <summary>The intercept.</summary>
    public double B { get; }

    /// <inheritdoc />
    public CalibrationMethod Method => CalibrationMethod.Platt;

    /// <inheritdoc />
    public double Apply(double logit) => Logistic.Sigmoid(A * logit + B);

    /// <inheritdoc />
    public CalibrationParameters ToParameters() => new(A: A, B: B);

    /// <summary>Fits A and B on held-out logits and labels (true = positive).</summary>
    /// <exception cref="ArgumentException">Lengths differ, a logit is not finite, or a class is missing.</exception>
    public static PlattScaler Fit(ReadOnlySpan<double> logits, ReadOnlySpan<bool> labels)
    {
        var (positives, negatives) = CalibrationData.Check("Platt", logits, labels);
        double hiTarget = (positives + 1.0) / (positives + 2.0);
        double loTarget = 1.0 / (negatives + 2.0);
        double a = 0.0, b = Math.Log((positives + 1.0) / (negatives + 1.0));
        double loss = Loss(logits, labels, a, b, hiTarget, loTarget);
        double tolerance = 1e-12 * logits.Length;

        for (int iter = 0; iter < MaxIterations; iter++)
        {
            double ga = 0, gb = 0, haa = Ridge, hab = 0, hbb = Ridge;
            for (int i = 0; i < logits.Length; i++)
            {
                double z = logits[i];
                double p = Logistic.Sigmoid(a * z + b);
                double residual = p - (labels[i] ? hiTarget : loTarget);
                double w = p * (1.0 - p);
                ga += residual * z;
                gb += residual;
                haa += w * z * z;
                hab += w * z;
                hbb += w;
            }
            if (Math.Abs(ga) < tolerance && Math.Abs(gb) < tolerance) break;

            double det = haa * hbb - hab * hab;
            double da = -(hbb * ga - hab * gb) / det;
            double db = -(haa * gb - hab * ga) / det;
            double slope = ga * da + gb * db;

            double step = 1.0;
            bool moved = false;
            while (step >= 1e-10)
            {
                double na = a + step * da, nb = b + step * db;
                double candidate = Loss(logits, labels, na, nb, hiTarget, loTarget);
                if (candidate <= loss + 1e-4 * step * slope)
                {
                    moved = na != a || nb != b;
                    a = na;
                    b = nb;
                    loss = candidate;
                    break;
                }
                step *= 0.5;
            }
            if (!moved) break; // no further decrease is representable: the optimum to double precision
        }
        return new PlattScaler(a, b);
    }

    /// <summary>Platt's objective: cross-entropy of sigmoid(a·z + b) against the smoothed targets.</summary>
    internal static double Loss(ReadOnlySpan<double> logits, ReadOnlySpan<bool> labels, double a, double b, double hiTarget, double loTarget)
    {
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double s = a * logits[i] + b;
            double t = labels[i] ? hiTarget : loTarget;
            sum += t * Logistic.Softplus(-s) + (1.0 - t) * Logistic.Softplus(s);
        }
        return sum;
    }
}
