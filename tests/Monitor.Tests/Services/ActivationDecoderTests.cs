using Google.Protobuf;
using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Probes.Bundles;
using Xunit;
using WireDType = ProbeMonitor.Protocol.Activations.Types.DType;
using WirePooling = ProbeMonitor.Protocol.Activations.Types.Pooling;

namespace ProbeMonitor.Monitor.Tests.Services;

/// <summary>ActivationDecoder against pooling written out over the System.Half / bit-cut values the bytes encode.</summary>
public sealed class ActivationDecoderTests
{
    private const int T = 5, D = 7;

    private static float[] Matrix(int seed) => ServingBundles.Gaussian(new Random(seed), T * D, 3.0);

    private static ProbeMonitor.Protocol.Activations Message(float[] values, WireDType dtype, WirePooling pooling, params long[] shape) => new()
    {
        Data = ByteString.CopyFrom(Sidecar.Encode(values, dtype)),
        Dtype = dtype,
        Shape = { shape },
        Layer = 4,
        Pooling = pooling,
    };

    [Theory]
    [InlineData(WireDType.F32, WirePooling.Last)]
    [InlineData(WireDType.F32, WirePooling.Mean)]
    [InlineData(WireDType.F32, WirePooling.Max)]
    [InlineData(WireDType.Bf16, WirePooling.Mean)]
    [InlineData(WireDType.Bf16, WirePooling.Max)]
    [InlineData(WireDType.F16, WirePooling.Mean)]
    [InlineData(WireDType.F16, WirePooling.Last)]
    public void Token_matrices_pool_as_written_out(WireDType dtype, WirePooling pooling)
    {
        var x = Matrix(3);
        x = dtype switch { WireDType.Bf16 => Sidecar.BFloat16Exact(x), WireDType.F16 => Sidecar.HalfExact(x), _ => x };
        var decoded = ActivationDecoder.Decode(Message(x, dtype, pooling, T, D));

        var p = ActivationDecoder.ToPooling(pooling);
        Assert.Null(decoded.Any);
        Assert.Equal([p], decoded.ByPooling.Keys);
        Assert.Equal((D, (int?)4), (decoded.Dim, decoded.Layer));
        var got = decoded.For(p);
        for (int j = 0; j < D; j++)
        {
            var column = Enumerable.Range(0, T).Select(t => (double)x[t * D + j]).ToList();
            double expected = pooling switch { WirePooling.Last => column[^1], WirePooling.Mean => column.Average(), _ => column.Max() };
            Assert.Equal(expected, got[j], 1e-6);
        }
    }

    [Fact]
    public void A_vector_with_pooling_NONE_serves_every_pooling_and_one_with_a_pooling_only_that()
    {
        var v = ServingBundles.Gaussian(new Random(1), D);
        var any = ActivationDecoder.Decode(Message(v, WireDType.F32, WirePooling.None, D));
        Assert.Equal(v, any.Any);
        Assert.True(any.Serves(Pooling.Mean) && any.Serves(Pooling.Last));
        var mean = ActivationDecoder.Decode(Message(v, WireDType.F32, WirePooling.Mean, 1, D));
        Assert.Equal(v, mean.For(Pooling.Mean));
        Assert.False(mean.Serves(Pooling.Last));
    }

    [Fact]
    public void Half_subnormals_and_extremes_decode_exactly()
    {
        float[] v = [(float)Half.Epsilon, (float)Half.MaxValue, (float)Half.MinValue, -0f, 1e-5f, 65000f, 0.1f];
        var decoded = ActivationDecoder.Decode(Message(v, WireDType.F16, WirePooling.None, D)).Any!;
        Assert.Equal(v.Select(f => (float)(Half)f), decoded);
    }

    [Theory]
    [InlineData(WireDType.F32)]
    [InlineData(WireDType.Bf16)]
    [InlineData(WireDType.F16)]
    public void Non_finite_values_in_any_token_are_rejected_by_position(WireDType dtype)
    {
        var x = Matrix(4);
        x[2 * D + 6] = float.NegativeInfinity;
        var e = Assert.Throws<InvalidActivationsException>(() => ActivationDecoder.Decode(Message(x, dtype, WirePooling.Last, T, D)));
        Assert.Contains("token 2, element 6", e.Message);
    }

    [Fact]
    public void Shapes_and_lengths_are_checked_before_any_allocation()
    {
        var huge = Message(new float[4], WireDType.F32, WirePooling.Last, 1L << 40, 1 << 20);
        Assert.Contains("too large", Assert.Throws<InvalidActivationsException>(() => ActivationDecoder.Decode(huge)).Message);
        var wide = Message(new float[4], WireDType.F32, WirePooling.None, 1L << 21);
        Assert.Contains("the most accepted", Assert.Throws<InvalidActivationsException>(() => ActivationDecoder.Decode(wide)).Message);
        var zero = Message([], WireDType.F32, WirePooling.None, 0);
        Assert.Contains("positive", Assert.Throws<InvalidActivationsException>(() => ActivationDecoder.Decode(zero)).Message);
        var negativeLayer = Message(new float[D], WireDType.F32, WirePooling.None, D);
        negativeLayer.Layer = -1;
        Assert.Contains("cannot be negative", Assert.Throws<InvalidActivationsException>(() => ActivationDecoder.Decode(negativeLayer)).Message);
    }
}
