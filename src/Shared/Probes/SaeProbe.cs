using ProbeMonitor.Kernels;

namespace ProbeMonitor.Probes;

/// <summary>A linear probe on k SAE latents, encoded from the residual stream with only those latents' encoder columns.</summary>
/// <remarks>
/// Per row: pre = (x − b_dec if the SAE applies it)·W_enc[:, ids] + b_enc[ids]; a = relu(pre) where pre &gt; threshold, else 0
/// (JumpReLU; ReLU and served TopK use relu(pre)); f = binarize ? [a &gt; 0] : a; f = (f − mean) / scale when normalised;
/// logit = weights·f + bias. Encoding a batch is one [n, d]·[k, d]ᵀ GEMM. For a JumpReLU or ReLU SAE the latents equal the
/// full SAE's activations at those ids; for TopK see <see cref="SaeActivation.TopK"/>.
/// </remarks>
public sealed class SaeProbe : IProbe
{
    private readonly double[] _featureWeights;
    private readonly double[]? _featureMean;

    /// <summary>Builds an SAE probe; it keeps <paramref name="parameters"/> (and its arrays) as given, so callers must not mutate them afterwards.</summary>
    /// <exception cref="ArgumentException">A length disagrees with k or <paramref name="inputDim"/>, a value is NaN/Inf, ids repeat, or a scale is not positive.</exception>
    public SaeProbe(string id, int inputDim, SaeProbeWeights parameters)
    {
        ParameterChecks.Id(id);
        ParameterChecks.Dim(id, inputDim);
        ArgumentNullException.ThrowIfNull(parameters);
        Validate(id, inputDim, parameters);
        Id = id;
        InputDim = inputDim;
        Parameters = parameters;
        (_featureWeights, _featureMean) = FoldScale(parameters);
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public ProbeKind Kind => ProbeKind.Sae;

    /// <inheritdoc />
    public int InputDim { get; }

    /// <summary>The number of latents the probe reads, k.</summary>
    public int LatentCount => Parameters.LatentIds.Length;

    /// <summary>The SAE latent ids, in the order of the latents this probe returns.</summary>
    public IReadOnlyList<int> LatentIds => Parameters.LatentIds;

    /// <summary>The parameters as constructed (what a bundle writer stores).</summary>
    public SaeProbeWeights Parameters { get; }

    /// <inheritdoc />
    public void ScoreLogits(ReadOnlySpan<float> x, int n, Span<float> logits)
    {
        ProbeInput.Check(Id, InputDim, x, n, logits.Length, nameof(logits));
        using var latents = new ScratchBuffer(n * LatentCount);
        EncodeChecked(x, n, latents.Span);
        Head(latents.Span, n, logits);
    }

    /// <summary>Scores like <see cref="ScoreLogits(ReadOnlySpan{float}, int, Span{float})"/> and also returns the latent activations [n, k] (for "explain").</summary>
    public void ScoreLogits(ReadOnlySpan<float> x, int n, Span<float> logits, Span<float> latents)
    {
        ProbeInput.Check(Id, InputDim, x, n, logits.Length, nameof(logits));
        CheckLatents(n, latents.Length);
        EncodeChecked(x, n, latents);
        Head(latents, n, logits);
    }

    /// <summary>Writes the activations of the probe's k latents for each of the n rows into <paramref name="latents"/> [n, k], before binarisation and normalisation.</summary>
    public void Encode(ReadOnlySpan<float> x, int n, Span<float> latents)
    {
        ProbeInput.Check(Id, InputDim, x, n, latents.Length, nameof(latents), LatentCount);
        EncodeChecked(x, n, latents);
    }

    private void CheckLatents(int n, int length)
    {
        if (length < (long)n * LatentCount)
            throw new ArgumentException($"Probe '{Id}': latents holds {length} floats but {n} × {LatentCount} = {(long)n * LatentCount} are needed.", "latents");
    }

    private void EncodeChecked(ReadOnlySpan<float> x, int n, Span<float> latents)
    {
        if (n == 0) return;
        int k = LatentCount;
        var pre = latents[..(n * k)];
        var p = Parameters;
        if (p.ApplyDecoderBiasToInput)
        {
            // Subtracting b_dec from x (rather than folding −W·b_dec into the bias) keeps SAELens' order of operations and
            // avoids cancellation in Gemma's few huge residual dimensions.
            using var centred = new ScratchBuffer(x.Length);
            RowOps.SubtractFromEachRow(x, p.DecoderBias, centred.Span);
            Gemm.MultiplyTransposedB(centred.Span, p.Encoder, pre, n, k, InputDim);
        }
        else
        {
            Gemm.MultiplyTransposedB(x, p.Encoder, pre, n, k, InputDim);
        }
        RowOps.AddToEachRow(pre, p.EncoderBias);
        Activate(pre, p.Thresholds);
    }

    private static void Activate(Span<float> pre, ReadOnlySpan<float> thresholds)
    {
        // Thresholds are all zero for ReLU and TopK (checked at construction), so one rule serves every activation.
        int k = thresholds.Length;
        for (int i = 0; i < pre.Length; i += k)
        {
            var row = pre.Slice(i, k);
            for (int j = 0; j < k; j++)
            {
                float v = row[j];
                row[j] = v > thresholds[j] && v > 0f ? v : 0f;
            }
        }
    }

    private void Head(ReadOnlySpan<float> latents, int n, Span<float> logits)
    {
        int k = LatentCount;
        bool binarize = Parameters.Binarize;
        for (int i = 0; i < n; i++)
        {
            var row = latents.Slice(i * k, k);
            double sum = Parameters.Bias;
            for (int j = 0; j < k; j++)
            {
                double f = binarize ? (row[j] > 0f ? 1.0 : 0.0) : row[j];
                if (_featureMean is not null) f -= _featureMean[j];
                sum += _featureWeights[j] * f;
            }
            logits[i] = (float)sum;
        }
    }

    private static (double[] Weights, double[]? Mean) FoldScale(SaeProbeWeights p)
    {
        var w = new double[p.Weights.Length];
        for (int j = 0; j < w.Length; j++)
            w[j] = p.LatentScale is null ? p.Weights[j] : (double)p.Weights[j] / p.LatentScale[j];
        return (w, p.LatentMean is null ? null : Array.ConvertAll(p.LatentMean, v => (double)v));
    }

    private static void Validate(string id, int d, SaeProbeWeights p)
    {
        int k = p.LatentIds.Length;
        if (k == 0) throw new ArgumentException($"Probe '{id}': an SAE probe needs at least one latent.", nameof(p.LatentIds));
        var seen = new HashSet<int>();
        foreach (var latent in p.LatentIds)
        {
            if (latent < 0) throw new ArgumentException($"Probe '{id}': latent id {latent} is negative.", nameof(p.LatentIds));
            if (!seen.Add(latent)) throw new ArgumentException($"Probe '{id}': latent id {latent} appears twice.", nameof(p.LatentIds));
        }
        ParameterChecks.Length(id, "encoder (k × d_in)", p.Encoder.Length, (long)k * d);
        ParameterChecks.Length(id, "encoder_bias", p.EncoderBias.Length, k);
        ParameterChecks.Length(id, "thresholds", p.Thresholds.Length, k);
        ParameterChecks.Length(id, "decoder_bias", p.DecoderBias.Length, d);
        ParameterChecks.Length(id, "weights", p.Weights.Length, k);
        ParameterChecks.Finite(id, "encoder", p.Encoder);
        ParameterChecks.Finite(id, "encoder_bias", p.EncoderBias);
        ParameterChecks.Finite(id, "thresholds", p.Thresholds);
        ParameterChecks.Finite(id, "decoder_bias", p.DecoderBias);
        ParameterChecks.Finite(id, "weights", p.Weights);
        ParameterChecks.Finite(id, "bias", p.Bias);
        if (!Enum.IsDefined(p.Activation))
            throw new ArgumentException($"Probe '{id}': unknown SAE activation {(int)p.Activation}.", nameof(p.Activation));
        if (p.Activation != SaeActivation.JumpRelu)
            for (int j = 0; j < k; j++)
                if (p.Thresholds[j] != 0f)
                    throw new ArgumentException($"Probe '{id}': thresholds[{j}] is {p.Thresholds[j]} but a {p.Activation} SAE has no thresholds (they must be 0).", nameof(p.Thresholds));
        if ((p.LatentMean is null) != (p.LatentScale is null))
            throw new ArgumentException($"Probe '{id}': latent normalisation needs both mean and scale, or neither.", nameof(p.LatentMean));
        if (p.LatentMean is not null && p.LatentScale is not null)
        {
            ParameterChecks.Length(id, "latent_mean", p.LatentMean.Length, k);
            ParameterChecks.Length(id, "latent_scale", p.LatentScale.Length, k);
            ParameterChecks.Finite(id, "latent_mean", p.LatentMean);
            ParameterChecks.Positive(id, "latent_scale", p.LatentScale);
        }
    }
}
