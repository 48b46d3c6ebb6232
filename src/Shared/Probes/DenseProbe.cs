using System.Numerics.Tensors;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Probes;

/// <summary>A linear probe on the residual stream: logit = w·((x − mean) / scale) + b.</summary>
/// <remarks>
/// The scale is folded into the weights (w/scale) at construction, so a batch is one centring pass and one GEMM with a
/// single output column. The mean is subtracted from the input rather than folded into the bias because Gemma's residual
/// stream has a few very large dimensions, where x·w − mean·w would cancel catastrophically in single precision.
/// </remarks>
public sealed class DenseProbe : IProbe
{
    private readonly float[] _effectiveWeights;

    /// <summary>Builds a dense probe; it keeps <paramref name="parameters"/> (and its arrays) as given, so callers must not mutate them afterwards.</summary>
    /// <exception cref="ArgumentException">A length disagrees with <paramref name="inputDim"/>, a value is NaN/Inf, or a scale is not positive.</exception>
    public DenseProbe(string id, int inputDim, DenseProbeWeights parameters)
    {
        ParameterChecks.Id(id);
        ParameterChecks.Dim(id, inputDim);
        ArgumentNullException.ThrowIfNull(parameters);
        ParameterChecks.Length(id, "weights", parameters.Weights.Length, inputDim);
        ParameterChecks.Finite(id, "weights", parameters.Weights);
        ParameterChecks.Finite(id, "bias", parameters.Bias);
        if ((parameters.Mean is null) != (parameters.Scale is null))
            throw new ArgumentException($"Probe '{id}': standardisation needs both mean and scale, or neither.", nameof(parameters));
        if (parameters.Mean is not null && parameters.Scale is not null)
        {
            ParameterChecks.Length(id, "mean", parameters.Mean.Length, inputDim);
            ParameterChecks.Length(id, "scale", parameters.Scale.Length, inputDim);
            ParameterChecks.Finite(id, "mean", parameters.Mean);
            ParameterChecks.Positive(id, "scale", parameters.Scale);
        }

        Id = id;
        InputDim = inputDim;
        Parameters = parameters;
        _effectiveWeights = FoldScale(parameters);
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public ProbeKind Kind => ProbeKind.Dense;

    /// <inheritdoc />
    public int InputDim { get; }

    /// <summary>The parameters as constructed (what a bundle writer stores).</summary>
    public DenseProbeWeights Parameters { get; }

    /// <inheritdoc />
    public void ScoreLogits(ReadOnlySpan<float> x, int n, Span<float> logits)
    {
        ProbeInput.Check(Id, InputDim, x, n, logits.Length, nameof(logits));
        if (n == 0) return;
        var output = logits[..n];
        if (Parameters.Mean is { } mean)
        {
            using var centred = new ScratchBuffer(x.Length);
            RowOps.SubtractFromEachRow(x, mean, centred.Span);
            Gemm.MultiplyTransposedB(centred.Span, _effectiveWeights, output, n, 1, InputDim);
        }
        else
        {
            Gemm.MultiplyTransposedB(x, _effectiveWeights, output, n, 1, InputDim);
        }
        TensorPrimitives.Add(output, Parameters.Bias, output);
    }

    private static float[] FoldScale(DenseProbeWeights p)
    {
        if (p.Scale is null) return p.Weights;
        var w = new float[p.Weights.Length];
        for (int j = 0; j < w.Length; j++) w[j] = (float)((double)p.Weights[j] / p.Scale[j]);
        return w;
    }
}
