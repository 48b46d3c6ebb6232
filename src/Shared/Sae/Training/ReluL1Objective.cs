using System.Numerics.Tensors;

namespace ProbeMonitor.Sae.Training;

/// <summary>ReLU SAE loss with the decoder-norm-weighted L1 penalty (Anthropic, April 2024 update; SAELens "standard").</summary>
/// <remarks>
/// f = relu(pre); L = mean_t ‖x̂_t − x_t‖² + λ·mean_t Σ_j f_tj·‖W_dec[j]‖.
/// ∂L/∂pre_tj = (∂L_mse/∂f_tj + λ‖W_dec[j]‖/B)·[pre_tj &gt; 0]; ∂L/∂W_dec[j] gains (λ/B)·Σ_t f_tj · W_dec[j]/‖W_dec[j]‖.
/// That extra term is radial, so the unit-norm constraint removes it; it is kept so the loss and its gradient agree exactly.
/// </remarks>
internal sealed class ReluL1Objective : SaeObjective
{
    private float[] _norm = [];
    private float[] _activationSum = [];

    public override LossTerms Evaluate(TrainingBatch batch, SaeParameters p, SaeParameters grads, TrainableTensors trainable,
        double sparsityCoefficient, ReadOnlySpan<int> deadLatents)
    {
        int width = batch.Width, dIn = batch.DIn, rows = batch.Rows;
        if (_norm.Length != width)
        {
            _norm = new float[width];
            _activationSum = new float[width];
        }
        batch.Encode(p);
        var pre = batch.Pre;
        batch.Codes.Build(rows, 2L * width, r => CountPositive(pre.AsSpan(r * width, width)),
            (r, lat, val) => FillPositive(pre.AsSpan(r * width, width), lat, val));
        batch.CodeIndex.Build(batch.Codes, width);
        double mse = batch.Reconstruct(p);

        foreach (int j in batch.CodeIndex.Active) _norm[j] = TensorPrimitives.Norm(p.Decoder.AsSpan(j * dIn, dIn));
        var codes = batch.Codes;
        double scale = sparsityCoefficient / rows, penalty = 0;
        for (int e = 0; e < codes.Count; e++)
        {
            float n = _norm[codes.Latent[e]];
            penalty += (double)codes.Value[e] * n;
            codes.Grad[e] += (float)(scale * n);
        }

        if ((trainable & TrainableTensors.Decoder) != 0)
        {
            batch.DecoderGradient(grads);
            foreach (int j in batch.CodeIndex.Active) _activationSum[j] = 0f;
            SparseBackprop.SumPerLatent(batch.CodeIndex, codes.Value, _activationSum);
            foreach (int j in batch.CodeIndex.Active)
            {
                if (_norm[j] == 0f) continue;
                var row = p.Decoder.AsSpan(j * dIn, dIn);
                var g = grads.Decoder.AsSpan(j * dIn, dIn);
                TensorPrimitives.MultiplyAdd(row, (float)(scale * _activationSum[j] / _norm[j]), g, g);
            }
        }
        batch.EncoderGradients(p, grads, trainable, includeExtra: false);
        return new LossTerms(mse, scale * penalty, 0, (double)codes.Count / rows);
    }

    private static int CountPositive(ReadOnlySpan<float> row)
    {
        int n = 0;
        foreach (float v in row)
            if (v > 0f) n++;
        return n;
    }

    private static int FillPositive(ReadOnlySpan<float> row, Span<int> lat, Span<float> val)
    {
        int n = 0;
        for (int j = 0; j < row.Length; j++)
        {
            if (!(row[j] > 0f)) continue;
            lat[n] = j;
            val[n++] = row[j];
        }
        return n;
    }
}
