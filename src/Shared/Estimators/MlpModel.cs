using ProbeMonitor.Kernels;

namespace ProbeMonitor.Estimators;

/// <summary>A fitted one-hidden-layer ReLU network with a logistic output: logit = w₂·relu(W₁x' + b₁) + b₂.</summary>
/// <param name="W1">Hidden weights [hidden, features].</param>
/// <param name="B1">Hidden biases [hidden].</param>
/// <param name="W2">Output weights [hidden].</param>
/// <param name="B2">Output bias.</param>
/// <param name="Scaling">Input standardisation, or null.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="BestEpoch">The epoch whose weights were kept (the last one without early stopping).</param>
/// <param name="ValidationLoss">Log-loss on the early-stopping rows at <paramref name="BestEpoch"/>, or NaN without early stopping.</param>
public sealed record MlpModel(float[] W1, float[] B1, float[] W2, float B2, FeatureScaling? Scaling, int Epochs, int BestEpoch, double ValidationLoss)
{
    /// <summary>Number of input features.</summary>
    public int Features => W1.Length / B1.Length;

    /// <summary>Hidden width.</summary>
    public int HiddenUnits => B1.Length;

    /// <summary>One logit per row of x [rows, Features].</summary>
    public double[] PredictLogits(ReadOnlySpan<float> x)
    {
        int rows = TrainingData.RowsOf(x, Features, nameof(MlpModel));
        var input = Scaling?.Transform(x) ?? x.ToArray();
        var logits = new double[rows];
        var hidden = new float[Math.Min(rows, 256) * HiddenUnits];
        for (int start = 0; start < rows; start += 256)
        {
            int count = Math.Min(256, rows - start);
            Forward(input.AsSpan(start * Features, count * Features), count, hidden, logits.AsSpan(start, count));
        }
        return logits;
    }

    /// <summary>P(y = 1) per row.</summary>
    public double[] PredictProba(ReadOnlySpan<float> x) => PredictLogits(x).Select(Sigmoid).ToArray();

    /// <summary>Hard labels: 1 where the logit is positive.</summary>
    public int[] Predict(ReadOnlySpan<float> x) => PredictLogits(x).Select(z => z > 0 ? 1 : 0).ToArray();

    /// <summary>Hidden activations into <paramref name="hidden"/> [rows, HiddenUnits] and logits; x already standardised.</summary>
    internal void Forward(ReadOnlySpan<float> x, int rows, Span<float> hidden, Span<double> logits)
    {
        int h = HiddenUnits;
        Gemm.MultiplyTransposedB(x, W1, hidden, rows, h, Features);
        for (int i = 0; i < rows; i++)
        {
            var row = hidden.Slice(i * h, h);
            double z = B2;
            for (int u = 0; u < h; u++)
            {
                float a = Math.Max(0f, row[u] + B1[u]);
                row[u] = a;
                z += (double)a * W2[u];
            }
            logits[i] = z;
        }
    }

    internal static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
