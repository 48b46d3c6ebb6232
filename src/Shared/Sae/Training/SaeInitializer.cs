using System.Numerics.Tensors;

namespace ProbeMonitor.Sae.Training;

/// <summary>Starting weights: random unit decoder rows, a tied encoder (W_enc = W_decᵀ), zero b_enc, b_dec from the data.</summary>
internal static class SaeInitializer
{
    /// <summary>Fresh parameters for data of width <paramref name="dIn"/>; <paramref name="sample"/> holds <paramref name="sampleRows"/> normalised rows.</summary>
    public static SaeParameters Create(SaeTrainingOptions options, int dIn, Random rng, float[] sample, int sampleRows)
    {
        var p = new SaeParameters(dIn, options.Width, options.Architecture == SaeArchitecture.JumpRelu);
        for (int j = 0; j < options.Width; j++)
        {
            var row = p.Decoder.AsSpan(j * dIn, dIn);
            float norm;
            do
            {
                for (int c = 0; c < dIn; c++) row[c] = (float)Gaussian(rng);
                norm = TensorPrimitives.Norm(row);
            } while (norm == 0f);
            TensorPrimitives.Divide(row, norm, row);
        }
        p.Decoder.CopyTo(p.EncoderRows, 0);

        switch (options.DecoderBiasInit)
        {
            case DecoderBiasInit.GeometricMedian:
                var median = GeometricMedian.Compute(sample, sampleRows, dIn);
                for (int c = 0; c < dIn; c++) p.DecoderBias[c] = (float)median[c];
                break;
            case DecoderBiasInit.Mean:
                for (int r = 0; r < sampleRows; r++)
                    for (int c = 0; c < dIn; c++) p.DecoderBias[c] += sample[r * dIn + c] / sampleRows;
                break;
        }
        Array.Fill(p.LogThreshold, (float)Math.Log(options.JumpReluInitialThreshold));
        return p;
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
