using System.Runtime.CompilerServices;
using ProbeMonitor.Probes;

namespace ProbeMonitor.Estimators;

/// <summary>A fitted binary logistic regression: logit = w·x' + b with x' = x, or (x − mean)/scale when <see cref="Scaling"/> is set.</summary>
/// <param name="Coefficients">w, in standardised units when <see cref="Scaling"/> is set (sklearn's coef_ of a StandardScaler pipeline).</param>
/// <param name="Intercept">b (sklearn's intercept_), 0 when not fitted.</param>
/// <param name="Scaling">The standardisation fitted on the training data, or null.</param>
/// <param name="C">The inverse regularisation strength it was fitted with.</param>
/// <param name="Iterations">L-BFGS iterations used (sklearn's n_iter_).</param>
/// <param name="Converged">Whether a tolerance, not the iteration limit, stopped the solver.</param>
/// <param name="Objective">The final value of C·Σ logloss + ½‖w‖² (sklearn's objective as documented).</param>
/// <param name="Evaluations">Objective evaluations the solver used, line-search trials included.</param>
/// <param name="Solver">The representation it was solved in (<see cref="LogisticRegressionSolver.Primal"/> or <see cref="LogisticRegressionSolver.Kernel"/>).</param>
public sealed record LogisticRegressionModel(double[] Coefficients, double Intercept, FeatureScaling? Scaling, double C, int Iterations, bool Converged, double Objective,
    int Evaluations = 0, LogisticRegressionSolver Solver = LogisticRegressionSolver.Primal)
{
    /// <summary>Number of input features.</summary>
    public int Features => Coefficients.Length;

    /// <summary>The equivalent weights and bias on raw inputs: w/scale and b − Σ mean·w/scale (identity without scaling).</summary>
    public (double[] Weights, double Bias) RawSpace()
    {
        if (Scaling is null) return ((double[])Coefficients.Clone(), Intercept);
        var w = new double[Features];
        double b = Intercept;
        for (int j = 0; j < w.Length; j++)
        {
            w[j] = Coefficients[j] / Scaling.Scale[j];
            b -= Scaling.Mean[j] * w[j];
        }
        return (w, b);
    }

    /// <summary>Writes one logit per row of x [rows, Features].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void PredictLogits(ReadOnlySpan<float> x, Span<double> logits)
    {
        int rows = TrainingData.RowsOf(x, Features, nameof(LogisticRegressionModel));
        TrainingData.CheckOutput(logits.Length, rows, nameof(LogisticRegressionModel), nameof(logits));
        var (w, b) = RawSpace();
        fixed (float* px = x)
        fixed (double* pw = w)
            for (int i = 0; i < rows; i++)
                logits[i] = MixedPrecisionKernels.Dot(px + (long)i * Features, pw, Features) + b;
    }

    /// <summary>One logit per row of x [rows, Features].</summary>
    public double[] PredictLogits(ReadOnlySpan<float> x)
    {
        var logits = new double[x.Length / Math.Max(1, Features)];
        PredictLogits(x, logits);
        return logits;
    }

    /// <summary>P(y = 1) per row (sklearn's predict_proba(x)[:, 1]).</summary>
    public double[] PredictProba(ReadOnlySpan<float> x)
    {
        var p = PredictLogits(x);
        for (int i = 0; i < p.Length; i++) p[i] = Sigmoid(p[i]);
        return p;
    }

    /// <summary>Hard labels: 1 where the logit is positive (sklearn's predict).</summary>
    public int[] Predict(ReadOnlySpan<float> x) => PredictLogits(x).Select(z => z > 0 ? 1 : 0).ToArray();

    /// <summary>The model as dense-probe parameters (single precision, standardisation kept explicit for the probe's own folding).</summary>
    public DenseProbeWeights ToProbeWeights() => Scaling is null
        ? new DenseProbeWeights(Coefficients.Select(v => (float)v).ToArray(), (float)Intercept)
        : new DenseProbeWeights(
            Coefficients.Select(v => (float)v).ToArray(), (float)Intercept,
            Scaling.Mean.Select(v => (float)v).ToArray(), Scaling.Scale.Select(v => (float)v).ToArray());

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
