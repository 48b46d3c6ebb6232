namespace ProbeMonitor.Sae.Training;

/// <summary>JumpReLU SAE loss (Rajamanoharan et al. 2024, "Jumping Ahead"): MSE plus λ·L0, thresholds learnt by a straight-through estimator.</summary>
/// <remarks>
/// f = pre·H(pre − θ), θ = exp(log θ). L = mean_t ‖x̂_t − x_t‖² + λ·mean_t Σ_j H(pre_tj − θ_j).
/// Exact gradients where they exist: ∂f/∂pre = H(pre − θ), and the L0 term has none w.r.t. pre.
/// Pseudo-derivatives w.r.t. θ with the rectangle kernel K(u) = 1[|u| &lt; ½] and bandwidth ε:
/// ∂f/∂θ := −(θ/ε)·K((pre − θ)/ε) and ∂H/∂θ := −(1/ε)·K((pre − θ)/ε); then ∂L/∂log θ = θ·∂L/∂θ (chain rule).
/// Only entries inside the kernel window contribute, so they are gathered sparsely like the active ones.
/// </remarks>
internal sealed class JumpReluObjective(double bandwidth) : SaeObjective
{
    private float[] _theta = [];

    public override LossTerms Evaluate(TrainingBatch batch, SaeParameters p, SaeParameters grads, TrainableTensors trainable,
        double sparsityCoefficient, ReadOnlySpan<int> deadLatents)
    {
        int width = batch.Width, dIn = batch.DIn, rows = batch.Rows;
        if (_theta.Length != width) _theta = new float[width];
        var theta = _theta;
        for (int j = 0; j < width; j++) theta[j] = MathF.Exp(p.LogThreshold[j]);
        float half = (float)(bandwidth / 2);
        batch.Encode(p);
        var pre = batch.Pre;

        batch.Codes.Build(rows, 2L * width, r => Above(pre.AsSpan(r * width, width), theta, [], []),
            (r, lat, val) => Above(pre.AsSpan(r * width, width), theta, lat, val));
        batch.Extra.Build(rows, 2L * width, r => Near(pre.AsSpan(r * width, width), theta, half, [], []),
            (r, lat, val) => Near(pre.AsSpan(r * width, width), theta, half, lat, val));
        batch.CodeIndex.Build(batch.Codes, width);
        batch.ExtraIndex.Build(batch.Extra, width);

        double mse = batch.Reconstruct(p);
        if ((trainable & TrainableTensors.Threshold) != 0)
        {
            SparseBackprop.GatherGradients(batch.Extra, p.Decoder, dIn, batch.ReconGrad);
            ThresholdGradient(batch, grads, theta, sparsityCoefficient);
        }
        if ((trainable & TrainableTensors.Decoder) != 0) batch.DecoderGradient(grads);
        batch.EncoderGradients(p, grads, trainable, includeExtra: false);
        double l0 = (double)batch.Codes.Count / rows;
        return new LossTerms(mse, sparsityCoefficient * l0, 0, l0);
    }

    /// <summary>∂L/∂log θ_j = θ_j · Σ_{t in window} [ −(θ_j/ε)·∂L/∂f_tj − λ/(ε·B) ].</summary>
    private void ThresholdGradient(TrainingBatch batch, SaeParameters grads, float[] theta, double lambda)
    {
        var start = batch.ExtraIndex.Start;
        var entry = batch.ExtraIndex.Entry;
        var dF = batch.Extra.Grad;
        double penalty = lambda / (bandwidth * batch.Rows);
        foreach (int j in batch.ExtraIndex.Active)
        {
            double sumDf = 0;
            int count = start[j + 1] - start[j];
            for (int q = start[j]; q < start[j + 1]; q++) sumDf += dF[entry[q]];
            double dTheta = -(theta[j] / bandwidth) * sumDf - penalty * count;
            grads.LogThreshold[j] += (float)(theta[j] * dTheta);
        }
    }

    /// <summary>Latents with pre &gt; θ (the active ones); with empty outputs, only counts them.</summary>
    private static int Above(ReadOnlySpan<float> row, ReadOnlySpan<float> theta, Span<int> lat, Span<float> val)
    {
        int n = 0;
        bool write = lat.Length > 0;
        for (int j = 0; j < row.Length; j++)
        {
            if (!(row[j] > theta[j])) continue;
            if (write)
            {
                lat[n] = j;
                val[n] = row[j];
            }
            n++;
        }
        return n;
    }

    /// <summary>Latents inside the kernel window |pre − θ| &lt; ε/2; with empty outputs, only counts them.</summary>
    private static int Near(ReadOnlySpan<float> row, ReadOnlySpan<float> theta, float half, Span<int> lat, Span<float> val)
    {
        int n = 0;
        bool write = lat.Length > 0;
        for (int j = 0; j < row.Length; j++)
        {
            if (!(MathF.Abs(row[j] - theta[j]) < half)) continue;
            if (write)
            {
                lat[n] = j;
                val[n] = row[j];
            }
            n++;
        }
        return n;
    }
}
