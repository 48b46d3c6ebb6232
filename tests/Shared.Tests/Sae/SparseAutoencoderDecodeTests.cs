using ProbeMonitor.Sae;
using Xunit;
using static ProbeMonitor.Shared.Tests.Sae.SaeTestData;

namespace ProbeMonitor.Shared.Tests.Sae;

public sealed class SparseAutoencoderDecodeTests
{
    private static SparseAutoencoder Sae(SaeArchitecture arch = SaeArchitecture.JumpRelu) =>
        Random(new SaeConfig(arch, 20, 64) { K = arch == SaeArchitecture.TopK ? 6 : null, ApplyBDecToInput = true }, seed: 41);

    [Fact]
    public void Dense_decode_matches_the_naive_reference()
    {
        var sae = Sae();
        var acts = Uniform(new Random(3), 5 * sae.DSae, -1, 2);
        AssertClose(NaiveDecode(sae, acts, 5), sae.Decode(acts, 5), 1e-5, "xHat");
    }

    [Theory]
    [InlineData(SaeArchitecture.JumpRelu)]
    [InlineData(SaeArchitecture.TopK)]
    public void Sparse_decode_equals_dense_decode_of_the_same_code(SaeArchitecture arch)
    {
        var sae = Sae(arch);
        var x = Gaussian(new Random(9), 8 * sae.DIn);
        var dense = sae.Encode(x, 8);
        var sparse = sae.EncodeSparse(x, 8);
        var fromSparse = sae.DecodeSparse(sparse);
        AssertClose(NaiveDecode(sae, dense, 8), fromSparse, 1e-5, "sparse decode vs naive");
        AssertClose(sae.Decode(dense, 8), fromSparse, 1e-5, "sparse decode vs dense decode");
        AssertClose(sae.Decode(dense, 8), sae.Reconstruct(x, 8), 1e-5, "reconstruct");
    }

    [Fact]
    public void Empty_code_decodes_to_b_dec()
    {
        var sae = Sae();
        var xHat = new float[sae.DIn];
        sae.DecodeSparse(SparseLatents.Empty, xHat);
        Assert.Equal(sae.BDec.ToArray(), xHat);
    }

    [Fact]
    public void Sparse_decode_rejects_a_latent_beyond_d_sae()
    {
        var sae = Sae();
        var ex = Assert.Throws<ArgumentException>(() => sae.DecodeSparse(new SparseLatents([3, 64], [1f, 1f]), new float[sae.DIn]));
        Assert.Contains("latent 64", ex.Message);
    }

    [Fact]
    public void Sparse_latents_check_their_arrays()
    {
        Assert.Contains("ascend", Assert.Throws<ArgumentException>(() => new SparseLatents([2, 2], [1f, 1f])).Message);
        Assert.Contains("2 indices but 1 values", Assert.Throws<ArgumentException>(() => new SparseLatents([1, 2], [1f])).Message);
        Assert.Contains("negative", Assert.Throws<ArgumentException>(() => new SparseLatents([-1], [1f])).Message);
        var s = SparseLatents.FromDense([0f, 3f, 0f, -1f]);
        Assert.Equal([1, 3], s.Indices);
        Assert.Equal([3f, -1f], s.Values);
    }
}
