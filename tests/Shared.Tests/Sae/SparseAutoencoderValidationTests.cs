using ProbeMonitor.Sae;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae;

public sealed class SparseAutoencoderValidationTests
{
    private static readonly SaeConfig Jump = new(SaeArchitecture.JumpRelu, 3, 4);

    private static SparseAutoencoder Build(SaeConfig c, float[]? wEnc = null, float[]? wDec = null, float[]? bEnc = null,
        float[]? bDec = null, float[]? threshold = null, bool noThreshold = false) =>
        new(c, wEnc ?? new float[c.DIn * c.DSae], wDec ?? new float[c.DSae * c.DIn], bEnc ?? new float[c.DSae],
            bDec ?? new float[c.DIn], noThreshold ? null : threshold ?? (c.Architecture == SaeArchitecture.JumpRelu ? new float[c.DSae] : null));

    [Fact]
    public void Wrong_shapes_name_the_tensor_and_its_shape()
    {
        Assert.Contains("W_enc has 11 values but its shape [3, 4] needs 12", Assert.Throws<ArgumentException>(() => Build(Jump, wEnc: new float[11])).Message);
        Assert.Contains("W_dec has 13 values but its shape [4, 3] needs 12", Assert.Throws<ArgumentException>(() => Build(Jump, wDec: new float[13])).Message);
        Assert.Contains("b_enc has 3 values but its shape [4]", Assert.Throws<ArgumentException>(() => Build(Jump, bEnc: new float[3])).Message);
        Assert.Contains("b_dec has 4 values but its shape [3]", Assert.Throws<ArgumentException>(() => Build(Jump, bDec: new float[4])).Message);
        Assert.Contains("threshold has 5 values", Assert.Throws<ArgumentException>(() => Build(Jump, threshold: new float[5])).Message);
    }

    [Fact]
    public void Non_finite_weights_name_the_tensor_and_element()
    {
        var wDec = new float[12];
        wDec[1 * 3 + 2] = float.NaN;
        Assert.Contains("W_dec[1, 2] is NaN", Assert.Throws<ArgumentException>(() => Build(Jump, wDec: wDec)).Message);
        var th = new float[4];
        th[3] = float.PositiveInfinity;
        Assert.Contains("threshold[3] is +Inf", Assert.Throws<ArgumentException>(() => Build(Jump, threshold: th)).Message);
    }

    [Fact]
    public void Threshold_is_required_for_jumprelu_and_refused_otherwise()
    {
        Assert.Contains("needs the threshold", Assert.Throws<ArgumentException>(() => Build(Jump, noThreshold: true)).Message);
        var relu = new SaeConfig(SaeArchitecture.Relu, 3, 4);
        Assert.Contains("does not use one", Assert.Throws<ArgumentException>(() => Build(relu, threshold: new float[4])).Message);
    }

    [Theory]
    [InlineData(SaeArchitecture.TopK, null, "k is required")]
    [InlineData(SaeArchitecture.TopK, 5, "k must be in 1..d_sae (4), got 5")]
    [InlineData(SaeArchitecture.TopK, 0, "k must be in 1..d_sae")]
    [InlineData(SaeArchitecture.Relu, 2, "k is only meaningful for topk")]
    public void Config_k_is_checked(SaeArchitecture arch, int? k, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => new SaeConfig(arch, 3, 4) { K = k }.Validate()).Message);

    [Fact]
    public void Config_dimensions_and_normalization_are_checked()
    {
        Assert.Contains("d_in must be positive", Assert.Throws<ArgumentException>(() => (Jump with { DIn = 0 }).Validate()).Message);
        Assert.Contains("d_sae must be positive", Assert.Throws<ArgumentException>(() => (Jump with { DSae = -1 }).Validate()).Message);
        Assert.Contains("needs a finite positive norm_scaling_factor",
            Assert.Throws<ArgumentException>(() => (Jump with { NormalizeActivations = ActivationNormalization.ExpectedAverageOnlyIn }).Validate()).Message);
        Assert.Contains("needs a finite positive norm_scaling_factor",
            Assert.Throws<ArgumentException>(() => (Jump with { NormalizeActivations = ActivationNormalization.ExpectedAverageOnlyIn, NormScalingFactor = double.NaN }).Validate()).Message);
        Assert.Contains("norm_scaling_factor is set",
            Assert.Throws<ArgumentException>(() => (Jump with { NormScalingFactor = 2 }).Validate()).Message);
    }

    [Fact]
    public void Bad_inputs_are_named()
    {
        var sae = Build(Jump);
        var x = new float[6];
        x[4] = float.NaN;
        Assert.Contains("x[1, 1] is NaN", Assert.Throws<ArgumentException>(() => sae.Encode(x, 2)).Message);
        Assert.Contains("x holds 5 floats but [n, width] = [2, 3] needs 6", Assert.Throws<ArgumentException>(() => sae.Encode(new float[5], 2)).Message);
        Assert.Contains("acts holds 7 floats", Assert.Throws<ArgumentException>(() => sae.Decode(new float[7], 2)).Message);
    }

    [Fact]
    public void Weights_are_exposed_read_only_in_SAELens_layout()
    {
        var wEnc = Enumerable.Range(0, 12).Select(i => (float)i).ToArray();
        var sae = Build(Jump, wEnc: wEnc);
        Assert.Equal(wEnc, sae.WEnc.ToArray());
        Assert.Equal(3, sae.DIn);
        Assert.Equal(4, sae.DSae);
        Assert.Equal(4, sae.Threshold.Length);
    }
}
