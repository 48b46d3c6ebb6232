using ProbeMonitor.Sae;

namespace ProbeMonitor.Shared.Tests.Sae;

/// <summary>Seeded random SAEs and inputs, and a naive per-element reference encoder/decoder in double precision.</summary>
internal static class SaeTestData
{
    public static float[] Gaussian(Random rng, int count, double scale = 1.0)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++)
        {
            double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
            v[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
        }
        return v;
    }

    public static float[] Uniform(Random rng, int count, double lo, double hi)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return v;
    }

    /// <summary>A random SAE whose pre-activations straddle zero and the thresholds, so every branch is exercised.</summary>
    public static SparseAutoencoder Random(SaeConfig config, int seed)
    {
        var rng = new Random(seed);
        int dIn = config.DIn, dSae = config.DSae;
        var wEnc = Gaussian(rng, dIn * dSae, 1.0 / Math.Sqrt(dIn));
        var wDec = Gaussian(rng, dSae * dIn, 1.0 / Math.Sqrt(dSae));
        var bEnc = Gaussian(rng, dSae, 0.3);
        var bDec = Gaussian(rng, dIn, 0.5);
        float[]? threshold = config.Architecture == SaeArchitecture.JumpRelu ? Uniform(rng, dSae, 0.0, 0.8) : null;
        return new SparseAutoencoder(config, wEnc, wDec, bEnc, bDec, threshold);
    }

    /// <summary>Pre-activations computed element by element: ((x·s − b_dec·[apply]) · W_enc)[j] + b_enc[j].</summary>
    public static double[] NaivePre(SparseAutoencoder sae, float[] x, int n)
    {
        var c = sae.Config;
        double s = c.NormScalingFactor ?? 1.0;
        var pre = new double[n * c.DSae];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < c.DSae; j++)
        {
            double sum = 0;
            for (int p = 0; p < c.DIn; p++)
            {
                double xin = (float)(x[i * c.DIn + p] * (float)s) - (c.ApplyBDecToInput ? sae.BDec[p] : 0.0);
                sum += xin * sae.WEnc[p * c.DSae + j];
            }
            pre[i * c.DSae + j] = sum + sae.BEnc[j];
        }
        return pre;
    }

    /// <summary>The activation of each architecture, written directly from its definition.</summary>
    public static double[] NaiveEncode(SparseAutoencoder sae, float[] x, int n)
    {
        var c = sae.Config;
        var pre = NaivePre(sae, x, n);
        var acts = new double[pre.Length];
        for (int i = 0; i < n; i++)
        {
            int o = i * c.DSae;
            switch (c.Architecture)
            {
                case SaeArchitecture.JumpRelu:
                    for (int j = 0; j < c.DSae; j++)
                        acts[o + j] = pre[o + j] > sae.Threshold[j] ? Math.Max(pre[o + j], 0) : 0;
                    break;
                case SaeArchitecture.Relu:
                    for (int j = 0; j < c.DSae; j++) acts[o + j] = Math.Max(pre[o + j], 0);
                    break;
                case SaeArchitecture.TopK:
                    var order = Enumerable.Range(0, c.DSae).OrderByDescending(j => pre[o + j]).ThenBy(j => j).Take(c.K!.Value);
                    foreach (int j in order) acts[o + j] = Math.Max(pre[o + j], 0);
                    break;
            }
        }
        return acts;
    }

    /// <summary>(acts · W_dec + b_dec) / s, element by element.</summary>
    public static double[] NaiveDecode(SparseAutoencoder sae, ReadOnlySpan<float> acts, int n)
    {
        var c = sae.Config;
        double s = c.NormScalingFactor ?? 1.0;
        var xHat = new double[n * c.DIn];
        for (int i = 0; i < n; i++)
        for (int p = 0; p < c.DIn; p++)
        {
            double sum = sae.BDec[p];
            for (int j = 0; j < c.DSae; j++) sum += (double)acts[i * c.DSae + j] * sae.WDec[j * c.DIn + p];
            xHat[i * c.DIn + p] = sum / s;
        }
        return xHat;
    }

    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tol, string what)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (Math.Abs(expected[i] - actual[i]) > tol * (1 + Math.Abs(expected[i])))
                Xunit.Assert.Fail($"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tol, string what)
    {
        var e = new double[expected.Length];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        AssertClose(e, actual, tol, what);
    }
}
