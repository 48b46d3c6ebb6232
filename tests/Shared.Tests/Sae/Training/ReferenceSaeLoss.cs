using ProbeMonitor.Sae;
using ProbeMonitor.Sae.Training;

namespace ProbeMonitor.Shared.Tests.Sae.Training;

/// <summary>
/// Each architecture's training loss written directly from its definition in double precision, element by element,
/// sharing no code with the trainer: the reference that finite differences are taken of.
/// </summary>
internal sealed class ReferenceSaeLoss
{
    public required SaeArchitecture Architecture { get; init; }
    public required int DIn { get; init; }
    public required int Width { get; init; }
    public required double[] X { get; init; }
    public int K { get; init; }
    public double Lambda { get; init; }
    public int[] Dead { get; init; } = [];
    public int AuxK { get; init; }
    public double AuxCoefficient { get; init; }

    /// <summary>Held-constant AuxK target e = x − x̂ (stop-gradient), computed once at the unperturbed weights.</summary>
    public double[]? FixedResidual { get; set; }

    public int Rows => X.Length / DIn;

    /// <summary>Weights as doubles: encoder rows [width, d_in], decoder [width, d_in], b_enc, b_dec, log θ.</summary>
    public sealed record Weights(double[] Enc, double[] Dec, double[] BEnc, double[] BDec, double[] LogTheta)
    {
        public static Weights From(SaeParameters p) => new(
            p.EncoderRows.Select(v => (double)v).ToArray(), p.Decoder.Select(v => (double)v).ToArray(),
            p.EncoderBias.Select(v => (double)v).ToArray(), p.DecoderBias.Select(v => (double)v).ToArray(),
            p.LogThreshold.Select(v => (double)v).ToArray());
    }

    public double[] Pre(Weights w)
    {
        var pre = new double[Rows * Width];
        for (int t = 0; t < Rows; t++)
            for (int j = 0; j < Width; j++)
            {
                double s = w.BEnc[j];
                for (int c = 0; c < DIn; c++) s += (X[t * DIn + c] - w.BDec[c]) * w.Enc[j * DIn + c];
                pre[t * Width + j] = s;
            }
        return pre;
    }

    /// <summary>Activations f [rows, width] from the definition of each architecture.</summary>
    public double[] Activations(Weights w, double[] pre)
    {
        var f = new double[Rows * Width];
        for (int t = 0; t < Rows; t++)
        {
            if (Architecture == SaeArchitecture.TopK)
            {
                foreach (int j in TopPositive(pre, t, Enumerable.Range(0, Width), K)) f[t * Width + j] = pre[t * Width + j];
                continue;
            }
            for (int j = 0; j < Width; j++)
            {
                double z = pre[t * Width + j];
                bool on = Architecture == SaeArchitecture.Relu ? z > 0 : z > Math.Exp(w.LogTheta[j]);
                if (on) f[t * Width + j] = z;
            }
        }
        return f;
    }

    public double[] Reconstruction(Weights w, double[] f)
    {
        var xHat = new double[Rows * DIn];
        for (int t = 0; t < Rows; t++)
            for (int c = 0; c < DIn; c++)
            {
                double s = w.BDec[c];
                for (int j = 0; j < Width; j++) s += f[t * Width + j] * w.Dec[j * DIn + c];
                xHat[t * DIn + c] = s;
            }
        return xHat;
    }

    /// <summary>The whole loss: mse + sparsity + aux.</summary>
    public double Loss(Weights w)
    {
        var pre = Pre(w);
        var f = Activations(w, pre);
        var xHat = Reconstruction(w, f);
        double mse = 0;
        for (int i = 0; i < xHat.Length; i++) mse += (xHat[i] - X[i]) * (xHat[i] - X[i]);
        mse /= Rows;
        double sparsity = 0;
        for (int t = 0; t < Rows; t++)
            for (int j = 0; j < Width; j++)
            {
                double v = f[t * Width + j];
                if (v == 0) continue;
                sparsity += Architecture == SaeArchitecture.Relu ? v * RowNorm(w.Dec, j) : 1.0;
            }
        sparsity *= Lambda / Rows;
        if (Architecture == SaeArchitecture.TopK) sparsity = 0;
        return mse + sparsity + Aux(w, pre);
    }

    /// <summary>α·mean_t ‖Σ_{top-k_aux dead} relu(pre)·W_dec − e_t‖² with e held fixed.</summary>
    public double Aux(Weights w, double[] pre)
    {
        if (Dead.Length == 0 || AuxCoefficient == 0) return 0;
        var e = FixedResidual ?? throw new InvalidOperationException("set FixedResidual first");
        double sum = 0;
        for (int t = 0; t < Rows; t++)
        {
            var chosen = TopPositive(pre, t, Dead, Math.Min(AuxK, Dead.Length));
            for (int c = 0; c < DIn; c++)
            {
                double eHat = 0;
                foreach (int j in chosen) eHat += pre[t * Width + j] * w.Dec[j * DIn + c];
                double d = eHat - e[t * DIn + c];
                sum += d * d;
            }
        }
        return AuxCoefficient * sum / Rows;
    }

    /// <summary>x − x̂ at <paramref name="w"/>.</summary>
    public double[] Residual(Weights w)
    {
        var xHat = Reconstruction(w, Activations(w, Pre(w)));
        return X.Select((v, i) => v - xHat[i]).ToArray();
    }

    public double RowNorm(double[] m, int j) => Math.Sqrt(Enumerable.Range(0, DIn).Sum(c => m[j * DIn + c] * m[j * DIn + c]));

    private int[] TopPositive(double[] pre, int t, IEnumerable<int> candidates, int k) =>
        candidates.Where(j => pre[t * Width + j] > 0)
            .OrderByDescending(j => pre[t * Width + j]).ThenBy(j => j).Take(k).ToArray();
}
