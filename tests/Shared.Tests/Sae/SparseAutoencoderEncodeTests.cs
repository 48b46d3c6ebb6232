using ProbeMonitor.Sae;
using Xunit;
using static ProbeMonitor.Shared.Tests.Sae.SaeTestData;

namespace ProbeMonitor.Shared.Tests.Sae;

public sealed class SparseAutoencoderEncodeTests
{
    private const double Tol = 1e-5;

    public static TheoryData<SaeArchitecture, bool> ArchitecturesAndBDec() => new()
    {
        { SaeArchitecture.JumpRelu, false }, { SaeArchitecture.JumpRelu, true },
        { SaeArchitecture.TopK, false }, { SaeArchitecture.TopK, true },
        { SaeArchitecture.Relu, false }, { SaeArchitecture.Relu, true },
    };

    private static SaeConfig Config(SaeArchitecture arch, int dIn = 24, int dSae = 70, bool applyBDec = false) =>
        new(arch, dIn, dSae) { K = arch == SaeArchitecture.TopK ? 9 : null, ApplyBDecToInput = applyBDec };

    [Theory]
    [MemberData(nameof(ArchitecturesAndBDec))]
    public void Encode_matches_the_naive_per_element_reference(SaeArchitecture arch, bool applyBDec)
    {
        var sae = Random(Config(arch, applyBDec: applyBDec), seed: 11);
        const int n = 9;
        var x = Gaussian(new Random(5), n * sae.DIn);
        var acts = sae.Encode(x, n);
        AssertClose(NaiveEncode(sae, x, n), acts, Tol, "acts");
        int fired = acts.Count(v => v != 0), total = acts.Length;
        Assert.InRange(fired, 1, total - 1); // both branches of the activation were exercised
        if (arch == SaeArchitecture.TopK)
            for (int i = 0; i < n; i++) Assert.True(acts.AsSpan(i * sae.DSae, sae.DSae).ToArray().Count(v => v != 0) <= 9);
    }

    [Fact]
    public void Subtracting_b_dec_changes_the_code_exactly_as_the_reference_says()
    {
        var with = Random(Config(SaeArchitecture.JumpRelu, applyBDec: true), seed: 3);
        var without = new SparseAutoencoder(with.Config with { ApplyBDecToInput = false },
            with.WEnc.ToArray(), with.WDec.ToArray(), with.BEnc.ToArray(), with.BDec.ToArray(), with.Threshold.ToArray());
        var x = Gaussian(new Random(8), 4 * with.DIn);
        var a = with.Encode(x, 4);
        var b = without.Encode(x, 4);
        Assert.NotEqual(a, b);
        AssertClose(NaiveEncode(with, x, 4), a, Tol, "with b_dec");
        AssertClose(NaiveEncode(without, x, 4), b, Tol, "without b_dec");
    }

    /// <summary>Identity encoder: pre = x + b_enc exactly, so the threshold comparison is exact too.</summary>
    private static SparseAutoencoder Identity(SaeArchitecture arch, float[] threshold, float[]? bDec = null, bool applyBDec = false, int? k = null)
    {
        int d = threshold.Length;
        var eye = new float[d * d];
        for (int i = 0; i < d; i++) eye[i * d + i] = 1f;
        var config = new SaeConfig(arch, d, d) { ApplyBDecToInput = applyBDec, K = k };
        return new SparseAutoencoder(config, eye, (float[])eye.Clone(), new float[d], bDec ?? new float[d],
            arch == SaeArchitecture.JumpRelu ? threshold : null);
    }

    [Fact]
    public void JumpRelu_pre_activation_exactly_at_threshold_does_not_fire()
    {
        var sae = Identity(SaeArchitecture.JumpRelu, [0.5f, 0.5f, 0.5f, 0.5f]);
        var acts = sae.Encode([0.5f, 0.75f, 0.25f, 0.50000006f], 1);
        Assert.Equal([0f, 0.75f, 0f, 0.50000006f], acts);
    }

    [Fact]
    public void JumpRelu_with_negative_threshold_still_applies_relu()
    {
        var sae = Identity(SaeArchitecture.JumpRelu, [-1f, -1f, -1f]);
        Assert.Equal([0f, 0f, 2f], sae.Encode([-0.5f, 0f, 2f], 1));
    }

    [Fact]
    public void Threshold_edge_moves_with_b_dec_subtraction()
    {
        float[] th = [0.5f, 0.5f];
        float[] bDec = [0.25f, 0.25f];
        float[] x = [0.75f, 1f];
        // pre = x − b_dec = [0.5, 0.75] with subtraction: the first sits exactly on the threshold.
        Assert.Equal([0f, 0.75f], Identity(SaeArchitecture.JumpRelu, th, bDec, applyBDec: true).Encode(x, 1));
        Assert.Equal([0.75f, 1f], Identity(SaeArchitecture.JumpRelu, th, bDec, applyBDec: false).Encode(x, 1));
    }

    [Fact]
    public void TopK_ties_go_to_the_lower_latent_id()
    {
        var sae = Identity(SaeArchitecture.TopK, new float[6], k: 2);
        Assert.Equal([0f, 2f, 2f, 0f, 0f, 0f], sae.Encode([1f, 2f, 2f, 2f, 0.5f, 2f], 1));
        var sae3 = Identity(SaeArchitecture.TopK, new float[6], k: 3);
        Assert.Equal([0f, 0f, 3f, 2f, 0f, 2f], sae3.Encode([1f, 1f, 3f, 2f, 1f, 2f], 1));
    }

    [Fact]
    public void TopK_with_fewer_positive_than_k_keeps_only_the_positive_ones()
    {
        var sae = Identity(SaeArchitecture.TopK, new float[5], k: 3);
        Assert.Equal([0f, 4f, 0f, 0f, 0f], sae.Encode([-1f, 4f, 0f, -3f, -2f], 1));
    }

    [Fact]
    public void TopK_ties_match_the_naive_reference_on_heavily_tied_rows()
    {
        var config = new SaeConfig(SaeArchitecture.TopK, 8, 300) { K = 17 };
        var rng = new Random(2);
        // Pre-activations on a coarse grid so most values tie; W_enc rows are one-hot copies of a few inputs.
        var wEnc = new float[8 * 300];
        for (int j = 0; j < 300; j++) wEnc[rng.Next(8) * 300 + j] = rng.Next(1, 3);
        var bEnc = new float[300];
        for (int j = 0; j < 300; j++) bEnc[j] = rng.Next(-2, 3) * 0.5f;
        var sae = new SparseAutoencoder(config, wEnc, new float[300 * 8], bEnc, new float[8]);
        var x = new float[5 * 8];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(-2, 3);
        AssertClose(NaiveEncode(sae, x, 5), sae.Encode(x, 5), 0, "tied topk");
    }

    [Fact]
    public void Expected_average_only_in_scales_inputs_and_unscales_reconstructions_and_folds_equivalently()
    {
        var config = Config(SaeArchitecture.JumpRelu, applyBDec: true) with
        {
            NormalizeActivations = ActivationNormalization.ExpectedAverageOnlyIn,
            NormScalingFactor = 0.125,
        };
        var sae = Random(config, seed: 21);
        var x = Gaussian(new Random(4), 6 * sae.DIn, scale: 8.0);
        var acts = sae.Encode(x, 6);
        AssertClose(NaiveEncode(sae, x, 6), acts, Tol, "scaled encode");
        AssertClose(NaiveDecode(sae, acts, 6), sae.Decode(acts, 6), Tol, "scaled decode");

        var folded = sae.FoldNormScalingFactor();
        Assert.Equal(ActivationNormalization.None, folded.Config.NormalizeActivations);
        Assert.Null(folded.Config.NormScalingFactor);
        AssertClose(acts, folded.Encode(x, 6), 1e-5, "folded encode");
        AssertClose(sae.Decode(acts, 6), folded.Decode(acts, 6), 1e-5, "folded decode");
    }

    [Theory]
    [InlineData(SaeArchitecture.JumpRelu)]
    [InlineData(SaeArchitecture.TopK)]
    [InlineData(SaeArchitecture.Relu)]
    public void Sparse_encode_holds_exactly_the_non_zero_entries_of_dense_encode(SaeArchitecture arch)
    {
        var sae = Random(Config(arch, applyBDec: true), seed: 13);
        var x = Gaussian(new Random(1), 7 * sae.DIn);
        var dense = sae.Encode(x, 7);
        var sparse = sae.EncodeSparse(x, 7);
        Assert.Equal(7, sparse.Length);
        for (int i = 0; i < 7; i++)
        {
            var row = new float[sae.DSae];
            sparse[i].ToDense(row);
            Assert.Equal(dense.AsSpan(i * sae.DSae, sae.DSae).ToArray(), row);
            Assert.DoesNotContain(0f, sparse[i].Values);
        }
    }

    [Fact]
    public void Sparse_encode_over_many_row_blocks_matches_dense_rows()
    {
        // d_sae = 2^16 makes the dense scratch hold 32 rows, so 70 rows take three blocks.
        var sae = Random(new SaeConfig(SaeArchitecture.JumpRelu, 4, 1 << 16), seed: 17);
        var x = Gaussian(new Random(2), 70 * 4);
        var sparse = sae.EncodeSparse(x, 70);
        var row = new float[sae.DSae];
        foreach (int i in new[] { 0, 31, 32, 63, 64, 69 })
        {
            sparse[i].ToDense(row);
            AssertClose(sae.Encode(x.AsSpan(i * 4, 4), 1), row, 1e-6, $"row {i}");
        }
    }

    [Theory]
    [InlineData(SaeArchitecture.JumpRelu, true)]
    [InlineData(SaeArchitecture.JumpRelu, false)]
    [InlineData(SaeArchitecture.Relu, true)]
    [InlineData(SaeArchitecture.TopK, true)]
    public void Subset_encode_equals_full_encode_at_the_chosen_latents(SaeArchitecture arch, bool applyBDec)
    {
        var config = Config(arch, dIn: 40, dSae: 300, applyBDec: applyBDec);
        var sae = Random(config, seed: 29);
        var x = Gaussian(new Random(6), 11 * sae.DIn);
        int[] ids = [299, 0, 17, 17, 150, 3, 298, 42];
        var full = sae.Encode(x, 11);
        var subset = sae.EncodeSubset(x, 11, ids);
        Assert.Equal(11 * ids.Length, subset.Length);
        for (int i = 0; i < 11; i++)
        for (int c = 0; c < ids.Length; c++)
        {
            float f = full[i * sae.DSae + ids[c]], s = subset[i * ids.Length + c];
            Assert.Equal(f == 0, s == 0);
            Assert.True(Math.Abs(f - s) <= 1e-6 * (1 + Math.Abs(f)), $"row {i} latent {ids[c]}: full {f:R}, subset {s:R}");
        }
        var encoder = sae.CreateSubsetEncoder(ids);
        Assert.Equal(ids, encoder.LatentIds.ToArray());
        Assert.Equal(subset, encoder.Encode(x, 11));
        Assert.Empty(sae.EncodeSubset(x, 11, []));
    }

    [Fact]
    public void Subset_encoder_rejects_out_of_range_ids()
    {
        var sae = Random(Config(SaeArchitecture.JumpRelu), seed: 1);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => sae.CreateSubsetEncoder([3, 70]));
        Assert.Contains("latent id 70 (position 1)", ex.Message);
    }

    [Fact]
    public void Zero_rows_encode_to_nothing()
    {
        var sae = Random(Config(SaeArchitecture.Relu), seed: 1);
        Assert.Empty(sae.Encode([], 0));
        Assert.Empty(sae.EncodeSparse([], 0));
        Assert.Empty(sae.EncodeSubset([], 0, [1, 2]));
    }
}
