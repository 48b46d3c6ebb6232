using ProbeMonitor.Probes;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Probes;

public sealed class SaeProbeTests
{
    /// <summary>A whole small SAE with W_enc stored [d, m] as SAELens and Gemma Scope store it, encoded the naive way.</summary>
    private sealed record TinySae(int D, int M, float[] WEnc, float[] BEnc, float[] Threshold, float[] BDec, bool ApplyBDec, SaeActivation Activation)
    {
        public static TinySae Random(int seed, int d, int m, bool applyBDec, SaeActivation activation)
        {
            var rng = new Random(seed);
            var threshold = activation == SaeActivation.JumpRelu ? ProbeTestData.Uniform(rng, m, 0.0, 1.5) : new float[m];
            return new TinySae(d, m, ProbeTestData.Gaussian(rng, d * m, 0.4), ProbeTestData.Gaussian(rng, m, 0.5),
                threshold, ProbeTestData.Gaussian(rng, d, 1.0), applyBDec, activation);
        }

        /// <summary>All m activations of one row: relu(pre) masked by pre &gt; threshold.</summary>
        public double[] EncodeFull(ReadOnlySpan<float> x)
        {
            var acts = new double[M];
            for (int l = 0; l < M; l++)
            {
                double pre = BEnc[l];
                for (int j = 0; j < D; j++) pre += ((double)x[j] - (ApplyBDec ? BDec[j] : 0.0)) * WEnc[j * M + l];
                acts[l] = pre > Threshold[l] ? Math.Max(pre, 0.0) : 0.0;
            }
            return acts;
        }

        public SaeProbeWeights ProbeOn(int[] ids, float[] weights, float bias, float[]? mean = null, float[]? scale = null, bool binarize = false)
        {
            int k = ids.Length;
            var encoder = new float[k * D];
            for (int r = 0; r < k; r++)
            for (int j = 0; j < D; j++)
                encoder[r * D + j] = WEnc[j * M + ids[r]];
            return new SaeProbeWeights(ids, encoder, ids.Select(i => BEnc[i]).ToArray(), ids.Select(i => Threshold[i]).ToArray(),
                BDec, ApplyBDec, Activation, weights, bias, mean, scale, binarize);
        }
    }

    private static readonly int[] Ids = [3, 41, 7, 60, 22, 15, 38];

    [Theory]
    [InlineData(true, SaeActivation.JumpRelu)]
    [InlineData(false, SaeActivation.JumpRelu)]
    [InlineData(true, SaeActivation.Relu)]
    [InlineData(false, SaeActivation.TopK)]
    public void Subset_encoding_equals_full_encoding_restricted_to_the_ids(bool applyBDec, SaeActivation activation)
    {
        const int d = 24, m = 64, n = 12;
        var sae = TinySae.Random(5, d, m, applyBDec, activation);
        var probe = new SaeProbe("sae-p", d, sae.ProbeOn(Ids, new float[Ids.Length], 0f));
        var x = ProbeTestData.Gaussian(new Random(6), n * d, 1.0, 0.3);
        var latents = new float[n * Ids.Length];
        probe.Encode(x, n, latents);

        int fired = 0, silent = 0;
        for (int i = 0; i < n; i++)
        {
            var full = sae.EncodeFull(x.AsSpan(i * d, d));
            for (int r = 0; r < Ids.Length; r++)
            {
                double expected = full[Ids[r]];
                Assert.Equal(expected, latents[i * Ids.Length + r], 1e-4);
                Assert.Equal(expected > 0, latents[i * Ids.Length + r] > 0);
                if (expected > 0) fired++; else silent++;
            }
        }
        // The data must exercise both sides of the activation or the comparison proves little.
        Assert.True(fired > 10 && silent > 10, $"fired {fired}, silent {silent}");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Logits_match_a_naive_loop_over_the_full_encoding(bool normalise, bool binarize)
    {
        const int d = 24, m = 64, n = 10;
        var sae = TinySae.Random(8, d, m, true, SaeActivation.JumpRelu);
        var rng = new Random(9);
        var w = ProbeTestData.Gaussian(rng, Ids.Length, 0.7);
        var mean = normalise ? ProbeTestData.Uniform(rng, Ids.Length, 0.0, 0.5) : null;
        var scale = normalise ? ProbeTestData.Uniform(rng, Ids.Length, 0.5, 2.0) : null;
        var probe = new SaeProbe("sae-q", d, sae.ProbeOn(Ids, w, -0.3f, mean, scale, binarize));
        var x = ProbeTestData.Gaussian(rng, n * d, 1.0, 0.3);
        var logits = new float[n];
        probe.ScoreLogits(x, n, logits);

        for (int i = 0; i < n; i++)
        {
            var full = sae.EncodeFull(x.AsSpan(i * d, d));
            double expected = -0.3;
            for (int r = 0; r < Ids.Length; r++)
            {
                double f = full[Ids[r]];
                if (binarize) f = f > 0 ? 1 : 0;
                if (normalise) f = (f - mean![r]) / scale![r];
                expected += w[r] * f;
            }
            Assert.Equal(expected, logits[i], 1e-4);
        }
    }

    [Fact]
    public void Scoring_with_latents_returns_the_same_logits_and_the_encoded_latents()
    {
        const int d = 24, m = 64, n = 5;
        var sae = TinySae.Random(10, d, m, false, SaeActivation.JumpRelu);
        var probe = new SaeProbe("sae-r", d, sae.ProbeOn(Ids, ProbeTestData.Gaussian(new Random(1), Ids.Length), 0.1f));
        var x = ProbeTestData.Gaussian(new Random(2), n * d, 1.0, 0.3);
        float[] plain = new float[n], withLatents = new float[n], latents = new float[n * Ids.Length], encoded = new float[n * Ids.Length];
        probe.ScoreLogits(x, n, plain);
        probe.ScoreLogits(x, n, withLatents, latents);
        probe.Encode(x, n, encoded);
        Assert.Equal(plain, withLatents);
        Assert.Equal(encoded, latents);
        Assert.Equal(Ids, probe.LatentIds);
        Assert.Equal(ProbeKind.Sae, probe.Kind);
    }

    [Fact]
    public void Bad_input_is_refused_naming_the_probe()
    {
        var sae = TinySae.Random(12, 8, 64, true, SaeActivation.JumpRelu);
        var probe = new SaeProbe("toxicity-sae", 8, sae.ProbeOn(Ids, new float[Ids.Length], 0f));
        var nan = new float[16];
        nan[9] = float.NaN;
        Assert.Contains("'toxicity-sae': input row 1, element 1 is NaN",
            Assert.Throws<ArgumentException>(() => probe.ScoreLogits(nan, 2, new float[2])).Message);
        Assert.Contains("toxicity-sae",
            Assert.Throws<ArgumentException>(() => probe.ScoreLogits(new float[9], 1, new float[1])).Message);
        Assert.Contains("latents holds 3 floats but 2 × 7 = 14",
            Assert.Throws<ArgumentException>(() => probe.ScoreLogits(new float[16], 2, new float[2], new float[3])).Message);
    }

    [Fact]
    public void Inconsistent_parameters_are_refused_at_construction()
    {
        var jump = TinySae.Random(13, 8, 64, true, SaeActivation.JumpRelu);
        Assert.Contains("latent id 3 appears twice",
            Assert.Throws<ArgumentException>(() => new SaeProbe("p", 8, jump.ProbeOn([3, 5, 3], new float[3], 0f))).Message);
        Assert.Contains("encoder (k × d_in) has 8 elements but 9 are expected",
            Assert.Throws<ArgumentException>(() => new SaeProbe("p", 9, jump.ProbeOn([3], new float[1], 0f))).Message);
        var relu = TinySae.Random(13, 8, 64, true, SaeActivation.Relu).ProbeOn([3, 5], new float[2], 0f);
        var withThreshold = relu with { Thresholds = [0f, 0.5f] };
        Assert.Contains("thresholds[1] is 0.5 but a Relu SAE has no thresholds",
            Assert.Throws<ArgumentException>(() => new SaeProbe("p", 8, withThreshold)).Message);
        var nanEncoder = relu with { Encoder = relu.Encoder.Select((v, i) => i == 4 ? float.NaN : v).ToArray() };
        Assert.Contains("encoder[4] is NaN",
            Assert.Throws<ArgumentException>(() => new SaeProbe("p", 8, nanEncoder)).Message);
    }
}
