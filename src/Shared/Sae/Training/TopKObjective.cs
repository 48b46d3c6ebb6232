using System.Numerics.Tensors;

namespace ProbeMonitor.Sae.Training;

/// <summary>TopK SAE loss (Gao et al. 2024): reconstruction MSE plus the AuxK loss that revives dead latents.</summary>
/// <remarks>
/// f = relu(topk(pre)); L = mean_t ‖x̂_t − x_t‖² + α·mean_t ‖ê_t − e_t‖², where e_t = x_t − x̂_t is held constant
/// (stop-gradient) and ê_t = Σ_{j ∈ top-k_aux of dead latents} relu(pre_tj)·W_dec[j] (no bias). The selection is treated
/// as fixed, so ∂L/∂pre_tj = ∂L/∂f_tj on the selected entries and 0 elsewhere: every gradient is sparse and computed
/// through the selected rows only (<see cref="SparseBackprop"/>).
/// </remarks>
internal sealed class TopKObjective(int k, int auxK, double auxCoefficient) : SaeObjective
{
    private bool _auxUsed;

    public override LossTerms Evaluate(TrainingBatch batch, SaeParameters p, SaeParameters grads, TrainableTensors trainable,
        double sparsityCoefficient, ReadOnlySpan<int> deadLatents)
    {
        int width = batch.Width, dIn = batch.DIn, rows = batch.Rows;
        batch.Encode(p);
        var pre = batch.Pre;
        batch.Codes.BuildBounded(rows, Math.Min(k, width), width, (r, lat, val) =>
            TopKSelection.SelectPositive(pre.AsSpan(r * width, width), Math.Min(k, width), lat, val));
        batch.CodeIndex.Build(batch.Codes, width);
        double mse = batch.Reconstruct(p);

        double aux = 0;
        _auxUsed = auxCoefficient > 0 && deadLatents.Length > 0;
        if (_auxUsed) aux = AuxK(batch, p, deadLatents.ToArray());

        if ((trainable & TrainableTensors.Decoder) != 0)
        {
            batch.DecoderGradient(grads);
            if (_auxUsed) SparseBackprop.ScatterRows(batch.ExtraIndex, batch.Extra.Value, batch.ExtraOut, dIn, grads.Decoder);
        }
        batch.EncoderGradients(p, grads, trainable, includeExtra: _auxUsed);
        return new LossTerms(mse, 0, aux, (double)batch.Codes.Count / rows);
    }

    public override void MarkTouched(TrainingBatch batch, bool[] touched)
    {
        base.MarkTouched(batch, touched);
        if (_auxUsed)
            foreach (int j in batch.ExtraIndex.Active) touched[j] = true;
    }

    /// <summary>Selects the aux latents, returns α·mean‖ê − e‖², leaves ∂/∂ê in ExtraOut and ∂/∂pre in Extra.Grad.</summary>
    private double AuxK(TrainingBatch batch, SaeParameters p, int[] dead)
    {
        int width = batch.Width, dIn = batch.DIn, rows = batch.Rows;
        int kAux = Math.Min(auxK, dead.Length);
        var pre = batch.Pre;
        batch.Extra.BuildBounded(rows, kAux, dead.Length, (r, lat, val) =>
            TopKSelection.SelectPositive(pre.AsSpan(r * width, width), dead, kAux, lat, val));
        batch.ExtraIndex.Build(batch.Extra, width);
        var auxOut = batch.ExtraOut;
        SparseBackprop.Decode(batch.Extra, p.Decoder, dIn, auxOut, []);
        // ê − e = ê − (x − x̂) = ê + (x̂ − x).
        TensorPrimitives.Add(auxOut, batch.Residual, auxOut);
        double loss = auxCoefficient * TrainingBatch.SumOfSquares(auxOut) / rows;
        TensorPrimitives.Multiply(auxOut, (float)(2 * auxCoefficient / rows), auxOut);
        SparseBackprop.GatherGradients(batch.Extra, p.Decoder, dIn, auxOut);
        return loss;
    }
}
