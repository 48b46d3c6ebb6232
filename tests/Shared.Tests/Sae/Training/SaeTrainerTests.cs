using ProbeMonitor.Sae;
using ProbeMonitor.Sae.Synthetic;
using ProbeMonitor.Sae.Training;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae.Training;

/// <summary>End-to-end training on data with known sparse features; freeze modes; determinism; constraints.</summary>
public sealed class SaeTrainerTests
{
    private const int Dim = 32;

    internal static (ActivationSource Train, float[] Eval, SyntheticFeatureModel Model) Data(int seed = 11, int rows = 8192)
    {
        var model = SyntheticFeatureModel.Create(new SyntheticFeatureOptions { Features = 48, Dim = Dim, Sparsity = 3, PowerLawExponent = 0.5, Seed = seed });
        var rng = new Random(seed + 1);
        var train = model.Sample(rows, rng);
        // An offset makes b_dec's job real: inputs are not centred.
        for (int i = 0; i < train.Length; i++) train[i] += 0.5f;
        var eval = model.Sample(1024, rng);
        for (int i = 0; i < eval.Length; i++) eval[i] += 0.5f;
        return (ActivationSource.FromArray(train, Dim), eval, model);
    }

    internal static SaeTrainingOptions TopK(int steps = 400) => new()
    {
        Architecture = SaeArchitecture.TopK,
        Width = 64,
        K = 4,
        Steps = steps,
        BatchSize = 128,
        LearningRate = 4e-3,
        Seed = 5,
        DeadWindowTokens = 128 * 50,
        AuxK = 8,
        LogInterval = 100,
    };

    [Fact]
    public void TopK_training_on_known_sparse_features_drives_held_out_FVU_below_0_1()
    {
        var (train, eval, _) = Data();
        var trainer = new SaeTrainer(train, TopK());
        var first = trainer.Step();
        var result = trainer.Run();
        double fvu = HeldOutFvu(result.Autoencoder, eval);
        Assert.True(fvu < 0.1, $"held-out FVU {fvu:F4} after {result.Tokens} tokens; first-step mse {first.Mse:F3}, last log {result.Log[^1].Describe()}");
        Assert.True(result.Log[^1].Mse < first.Mse / 5, "training loss should fall well below its starting value");
    }

    [Theory]
    [InlineData(SaeArchitecture.Relu)]
    [InlineData(SaeArchitecture.JumpRelu)]
    public void Relu_and_JumpRelu_training_reach_a_sparse_good_reconstruction_with_the_L0_controller(SaeArchitecture arch)
    {
        var (train, eval, _) = Data();
        var options = TopK(600) with
        {
            Architecture = arch,
            K = null,
            TargetL0 = 4,
            SparsityCoefficient = arch == SaeArchitecture.Relu ? 0.5 : 0.1,
            JumpReluBandwidth = 0.05,
            JumpReluInitialThreshold = 0.5,
            SparsityControllerGain = arch == SaeArchitecture.Relu ? 0.05 : 0.02,
        };
        var result = new SaeTrainer(train, options).Run();
        double fvu = HeldOutFvu(result.Autoencoder, eval);
        var last = result.Log[^1];
        Assert.True(fvu < 0.25, $"{arch}: held-out FVU {fvu:F4}; {last.Describe()}");
        Assert.InRange(last.L0, 2.5, 6.5);
        Assert.NotEqual(options.SparsityCoefficient!.Value, last.SparsityCoefficient);
    }

    [Fact]
    public void Frozen_decoder_never_changes_and_the_encoder_trains()
    {
        var (train, _, _) = Data();
        var trainer = new SaeTrainer(train, TopK(60) with { Freeze = FreezeMode.Decoder });
        var start = trainer.Parameters.Clone();
        trainer.Run();
        Assert.Equal(start.Decoder, trainer.Parameters.Decoder);
        Assert.NotEqual(start.EncoderRows, trainer.Parameters.EncoderRows);
        Assert.NotEqual(start.EncoderBias, trainer.Parameters.EncoderBias);
    }

    [Fact]
    public void Frozen_encoder_never_changes_and_the_decoder_trains()
    {
        var (train, _, _) = Data();
        var trainer = new SaeTrainer(train, TopK(60) with { Freeze = FreezeMode.Encoder });
        var start = trainer.Parameters.Clone();
        var result = trainer.Run();
        Assert.Equal(start.EncoderRows, trainer.Parameters.EncoderRows);
        Assert.NotEqual(start.Decoder, trainer.Parameters.Decoder);
        // The saved SAE's W_enc [d_in, d_sae] is the same random matrix, transposed.
        var wEnc = result.Autoencoder.WEnc.ToArray();
        for (int j = 0; j < 64; j++)
            for (int c = 0; c < Dim; c++) Assert.Equal(start.EncoderRows[j * Dim + c], wEnc[c * 64 + j]);
    }

    [Fact]
    public void Soft_frozen_decoder_rows_move_but_stay_within_the_cone()
    {
        var (train, _, _) = Data();
        var options = TopK(150) with { Freeze = FreezeMode.SoftDecoder, SoftDecoderMinCosine = 0.8 };
        var trainer = new SaeTrainer(train, options);
        var start = trainer.Parameters.Clone();
        trainer.Run();
        var cone = new DecoderCone(start.Decoder, Dim, 0.8);
        double least = 1;
        for (int j = 0; j < 64; j++) least = Math.Min(least, cone.Cosine(trainer.Parameters.Decoder, j));
        Assert.True(least >= 0.8 - 1e-5, $"a row left its cone: cosine {least}");
        Assert.True(least < 0.81, $"the constraint never bound (least cosine {least}); the test would not see it working");
    }

    [Theory]
    [InlineData(FreezeMode.None)]
    [InlineData(FreezeMode.SoftDecoder)]
    public void Decoder_rows_stay_unit_norm(FreezeMode freeze)
    {
        var (train, _, _) = Data();
        var trainer = new SaeTrainer(train, TopK(50) with { Freeze = freeze });
        trainer.Run();
        for (int j = 0; j < 64; j++)
        {
            double n = Math.Sqrt(trainer.Parameters.Decoder.AsSpan(j * Dim, Dim).ToArray().Sum(v => (double)v * v));
            Assert.InRange(n, 1 - 1e-5, 1 + 1e-5);
        }
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights_and_another_seed_does_not()
    {
        var (train, _, _) = Data();
        var a = new SaeTrainer(train, TopK(40)).Run().Autoencoder;
        var b = new SaeTrainer(train, TopK(40)).Run().Autoencoder;
        var c = new SaeTrainer(train, TopK(40) with { Seed = 6 }).Run().Autoencoder;
        Assert.Equal(a.WEnc.ToArray(), b.WEnc.ToArray());
        Assert.Equal(a.WDec.ToArray(), b.WDec.ToArray());
        Assert.Equal(a.BDec.ToArray(), b.BDec.ToArray());
        Assert.NotEqual(a.WDec.ToArray(), c.WDec.ToArray());
    }

    [Fact]
    public void AuxK_revives_suppressed_latents_faster_than_the_main_loss_alone()
    {
        var (withAux, withLog) = SuppressedRevival(1.0 / 32);
        var (withoutAux, withoutLog) = SuppressedRevival(0);
        Assert.True(withAux >= 6 && withAux >= withoutAux + 4, $"suppressed latents firing again: {withAux}/16 with AuxK, {withoutAux}/16 without");
        Assert.Contains(withLog, e => e.AuxLoss > 0);
        Assert.All(withoutLog, e => Assert.Equal(0, e.AuxLoss));
    }

    /// <summary>
    /// Shrinks latents 0..15's encoder rows 50×: their pre-activations rarely reach the top k, so they die after the
    /// window; the main loss reaches them only on tokens where fewer than k others are positive, AuxK on every token.
    /// Returns how many fire within the last window, and the log.
    /// </summary>
    private static (int Revived, IReadOnlyList<TrainingLogEntry> Log) SuppressedRevival(double auxCoefficient)
    {
        var (train, _, _) = Data();
        var options = TopK(200) with { Width = 128, DeadWindowTokens = 128 * 10, AuxK = 16, AuxKCoefficient = auxCoefficient };
        var trainer = new SaeTrainer(train, options);
        for (int j = 0; j < 16; j++)
        {
            var row = trainer.Parameters.EncoderRows.AsSpan(j * Dim, Dim);
            for (int c = 0; c < Dim; c++) row[c] *= 0.02f;
        }
        var result = trainer.Run();
        int revived = Enumerable.Range(0, 16).Count(j => trainer.Dead.TokensSinceFired(j) < options.DeadWindowTokens);
        return (revived, result.Log);
    }

    [Fact]
    public void The_normalisation_factor_makes_the_mean_input_norm_sqrt_d_in_and_is_recorded()
    {
        var (train, eval, _) = Data();
        var result = new SaeTrainer(train, TopK(20)).Run();
        var cfg = result.Autoencoder.Config;
        Assert.Equal(ActivationNormalization.ExpectedAverageOnlyIn, cfg.NormalizeActivations);
        double meanNorm = 0;
        var row = new float[Dim];
        for (long r = 0; r < train.Rows; r++)
        {
            train.CopyRow(r, row);
            meanNorm += Math.Sqrt(row.Sum(v => (double)v * v));
        }
        meanNorm /= train.Rows;
        // The factor comes from a 4096-row sample of the 8192 rows, so it agrees with the full mean to sampling error.
        Assert.Equal(Math.Sqrt(Dim), cfg.NormScalingFactor!.Value * meanNorm, 0.05 * Math.Sqrt(Dim));
    }

    internal static double HeldOutFvu(SparseAutoencoder sae, float[] eval)
    {
        int n = eval.Length / sae.DIn;
        var xHat = sae.Reconstruct(eval, n);
        return ReconstructionMetrics.FractionOfVarianceUnexplained(eval, xHat, n, sae.DIn);
    }
}
