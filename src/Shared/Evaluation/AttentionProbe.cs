using System.Numerics.Tensors;
using ProbeMonitor.Estimators.Optimization;

namespace ProbeMonitor.Evaluation;

/// <summary>An attention-pooled linear probe over token activations: logit = w·Σₜ αₜ zₜ + b with α = softmax(q·zₜ) and zₜ the standardised token activations.</summary>
/// <remarks>
/// The baseline for multi-token probing in Kantamneni, Engels et al. (2025): a learned query chooses which tokens to read,
/// where last-token and mean pooling are fixed choices. Fitted by L-BFGS on Σ logloss + (‖w‖² + ‖q‖²)/(2C), starting from
/// a small seeded q (q = 0 is mean pooling) and w = 0. Gradient: with rᵢ = σ(logitᵢ) − yᵢ, sₜ = w·zₜ and v = Σ αₜ zₜ,
/// ∂/∂w = r·v, ∂/∂b = r, ∂/∂q = r·Σₜ αₜ (sₜ − w·v) zₜ.
/// </remarks>
public sealed class AttentionProbe
{
    private AttentionProbe(double[] query, double[] weights, double bias, double[] mean, double[] scale, double c)
    {
        Query = query;
        Weights = weights;
        Bias = bias;
        Mean = mean;
        Scale = scale;
        C = c;
    }

    /// <summary>The attention query q [d].</summary>
    public double[] Query { get; }

    /// <summary>The readout weights w [d].</summary>
    public double[] Weights { get; }

    /// <summary>The readout bias b.</summary>
    public double Bias { get; }

    /// <summary>Per-dimension token mean used for standardisation.</summary>
    public double[] Mean { get; }

    /// <summary>Per-dimension token standard deviation (1 where constant).</summary>
    public double[] Scale { get; }

    /// <summary>The inverse regularisation strength it was fitted with.</summary>
    public double C { get; }

    /// <summary>Fits on the sequences' tokens and labels.</summary>
    public static AttentionProbe Fit(TokenSequences tokens, ReadOnlySpan<int> labels, double c, int maxIterations = 200, int seed = 42)
    {
        if (labels.Length != tokens.Count) throw new ArgumentException($"{labels.Length} labels for {tokens.Count} sequences.", nameof(labels));
        int d = tokens.Dim;
        var (mean, scale) = TokenMoments(tokens);
        var y = labels.ToArray();
        var theta = new double[2 * d + 1];
        var rng = new Random(seed);
        for (int j = 0; j < d; j++) theta[j] = 0.01 * (rng.NextDouble() - 0.5);
        double Objective(ReadOnlySpan<double> t, Span<double> g) => Loss(tokens, y, mean, scale, c, t, g);
        Lbfgs.Minimize(Objective, theta, new LbfgsOptions(MaxIterations: maxIterations, GradientTolerance: 1e-4));
        return new AttentionProbe(theta[..d], theta[d..(2 * d)], theta[2 * d], mean, scale, c);
    }

    /// <summary>The objective Σ logloss + (‖w‖² + ‖q‖²)/(2C) at θ = [q, w, b] and its gradient (internal for the gradient check).</summary>
    internal static double Loss(TokenSequences tokens, int[] y, double[] mean, double[] scale, double c, ReadOnlySpan<double> t, Span<double> g)
    {
        int d = tokens.Dim;
        var z = new double[tokens.MaxTokens * d];
        var alpha = new double[tokens.MaxTokens];
        var v = new double[d];
        var q = t[..d];
        var w = t.Slice(d, d);
        double b = t[2 * d];
        g.Clear();
        var gq = g[..d];
        var gw = g.Slice(d, d);
        double loss = 0;
        for (int i = 0; i < y.Length; i++)
        {
            int len = Standardize(tokens, i, mean, scale, z);
            double logit = Forward(z, len, d, q, w, b, alpha, v);
            double p = Sigmoid(logit);
            loss += logit > 0 ? (1 - y[i]) * logit + Math.Log(1 + Math.Exp(-logit)) : Math.Log(1 + Math.Exp(logit)) - y[i] * logit;
            double r = p - y[i];
            TensorPrimitives.MultiplyAdd(v, r, gw, gw);
            g[2 * d] += r;
            double wv = TensorPrimitives.Dot(w, v);
            for (int s = 0; s < len; s++)
            {
                var zs = z.AsSpan(s * d, d);
                double coefficient = r * alpha[s] * (TensorPrimitives.Dot(w, zs) - wv);
                TensorPrimitives.MultiplyAdd(zs, coefficient, gq, gq);
            }
        }
        double inverseC = 1 / c;
        TensorPrimitives.MultiplyAdd(q, inverseC, gq, gq);
        TensorPrimitives.MultiplyAdd(w, inverseC, gw, gw);
        return loss + 0.5 * inverseC * (TensorPrimitives.Dot(q, q) + TensorPrimitives.Dot(w, w));
    }

    /// <summary>Per-dimension token mean and standard deviation (internal for the gradient check).</summary>
    internal static (double[] Mean, double[] Scale) Moments(TokenSequences tokens) => TokenMoments(tokens);

    /// <summary>One logit per sequence.</summary>
    public double[] PredictLogits(TokenSequences tokens)
    {
        if (tokens.Dim != Query.Length) throw new ArgumentException($"the probe reads d = {Query.Length} but the tokens have d = {tokens.Dim}.", nameof(tokens));
        int d = tokens.Dim;
        var z = new double[tokens.MaxTokens * d];
        var alpha = new double[tokens.MaxTokens];
        var v = new double[d];
        var logits = new double[tokens.Count];
        for (int i = 0; i < logits.Length; i++)
        {
            int len = Standardize(tokens, i, Mean, Scale, z);
            logits[i] = Forward(z, len, d, Query, Weights, Bias, alpha, v);
        }
        return logits;
    }

    /// <summary>The attention weights of sequence i (for inspection).</summary>
    public double[] AttentionOf(TokenSequences tokens, int i)
    {
        int d = tokens.Dim;
        var z = new double[tokens.MaxTokens * d];
        var alpha = new double[tokens.MaxTokens];
        int len = Standardize(tokens, i, Mean, Scale, z);
        Forward(z, len, d, Query, Weights, Bias, alpha, new double[d]);
        return alpha[..len];
    }

    private static double Forward(double[] z, int len, int d, ReadOnlySpan<double> q, ReadOnlySpan<double> w, double b, double[] alpha, double[] v)
    {
        double max = double.NegativeInfinity;
        for (int s = 0; s < len; s++)
        {
            alpha[s] = TensorPrimitives.Dot(q, z.AsSpan(s * d, d));
            max = Math.Max(max, alpha[s]);
        }
        double total = 0;
        for (int s = 0; s < len; s++) total += alpha[s] = Math.Exp(alpha[s] - max);
        Array.Clear(v);
        for (int s = 0; s < len; s++)
        {
            alpha[s] /= total;
            TensorPrimitives.MultiplyAdd(z.AsSpan(s * d, d), alpha[s], v, v);
        }
        return TensorPrimitives.Dot(w, v) + b;
    }

    private static int Standardize(TokenSequences tokens, int i, double[] mean, double[] scale, double[] z)
    {
        int d = tokens.Dim, len = tokens.Lengths[i];
        var seq = tokens.Sequence(i);
        for (int k = 0; k < len * d; k++)
        {
            int j = k % d;
            z[k] = (seq[k] - mean[j]) / scale[j];
        }
        return len;
    }

    private static (double[] Mean, double[] Scale) TokenMoments(TokenSequences tokens)
    {
        int d = tokens.Dim;
        var mean = new double[d];
        var sq = new double[d];
        long count = 0;
        for (int i = 0; i < tokens.Count; i++)
        {
            var seq = tokens.Sequence(i);
            for (int k = 0; k < seq.Length; k++) mean[k % d] += seq[k];
            count += tokens.Lengths[i];
        }
        for (int j = 0; j < d; j++) mean[j] /= count;
        for (int i = 0; i < tokens.Count; i++)
        {
            var seq = tokens.Sequence(i);
            for (int k = 0; k < seq.Length; k++)
            {
                double c = seq[k] - mean[k % d];
                sq[k % d] += c * c;
            }
        }
        var scale = new double[d];
        for (int j = 0; j < d; j++)
        {
            double sd = Math.Sqrt(sq[j] / count);
            scale[j] = sd > 1e-12 ? sd : 1.0;
        }
        return (mean, scale);
    }

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));
}
