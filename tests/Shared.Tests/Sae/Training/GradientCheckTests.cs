using ProbeMonitor.Sae;
using ProbeMonitor.Sae.Training;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Sae.Training;

/// <summary>Hand-derived gradients of every architecture against central finite differences of a double-precision reference loss.</summary>
public sealed class GradientCheckTests
{
    private const int DIn = 6, Width = 10, Rows = 5;
    private const double H = 1e-6;
    private const TrainableTensors All = TrainableTensors.Encoder | TrainableTensors.Decoder | TrainableTensors.EncoderBias
        | TrainableTensors.DecoderBias | TrainableTensors.Threshold;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TopK_gradients_match_finite_differences(int seed)
    {
        var (p, x) = Setup(SaeArchitecture.TopK, seed);
        var reference = Reference(SaeArchitecture.TopK, x);
        var (g, terms) = Analytic(new TopKObjective(3, 4, 1.0 / 32), p, x, 0, []);
        AssertClose(reference.Loss(ReferenceSaeLoss.Weights.From(p)), terms.Total, "loss");
        Assert.Equal(3.0, terms.L0, 6);
        CheckAll(reference, p, g);
    }

    [Fact]
    public void TopK_AuxK_gradients_match_finite_differences_with_the_residual_held_fixed()
    {
        var (p, x) = Setup(SaeArchitecture.TopK, 3);
        int[] dead = [1, 3, 4, 7, 8];
        var reference = Reference(SaeArchitecture.TopK, x, dead: dead, auxK: 2, auxCoefficient: 0.5);
        reference.FixedResidual = reference.Residual(ReferenceSaeLoss.Weights.From(p));
        var (g, terms) = Analytic(new TopKObjective(3, 2, 0.5), p, x, 0, dead);
        Assert.True(terms.Aux > 1e-3, $"the aux term should be active, got {terms.Aux}");
        AssertClose(reference.Loss(ReferenceSaeLoss.Weights.From(p)), terms.Total, "loss");
        CheckAll(reference, p, g);
    }

    [Theory]
    [InlineData(4, 0.0)]
    [InlineData(5, 0.7)]
    public void Relu_L1_gradients_match_finite_differences_including_the_decoder_norm_term(int seed, double lambda)
    {
        var (p, x) = Setup(SaeArchitecture.Relu, seed);
        var reference = Reference(SaeArchitecture.Relu, x, lambda: lambda);
        var (g, terms) = Analytic(new ReluL1Objective(), p, x, lambda, []);
        AssertClose(reference.Loss(ReferenceSaeLoss.Weights.From(p)), terms.Total, "loss");
        CheckAll(reference, p, g);
    }

    [Fact]
    public void JumpRelu_weight_gradients_match_finite_differences()
    {
        var (p, x) = Setup(SaeArchitecture.JumpRelu, 6);
        var reference = Reference(SaeArchitecture.JumpRelu, x, lambda: 0.3);
        var (g, terms) = Analytic(new JumpReluObjective(0.001), p, x, 0.3, []);
        AssertClose(reference.Loss(ReferenceSaeLoss.Weights.From(p)), terms.Total, "loss");
        CheckAll(reference, p, g);
    }

    [Fact]
    public void JumpRelu_log_threshold_gradient_is_the_rectangle_kernel_straight_through_estimate()
    {
        const double eps = 0.4, lambda = 0.3;
        var (p, x) = Setup(SaeArchitecture.JumpRelu, 7);
        var reference = Reference(SaeArchitecture.JumpRelu, x, lambda: lambda);
        var (g, _) = Analytic(new JumpReluObjective(eps), p, x, lambda, []);

        // Definition (Rajamanoharan et al. 2024, eqs. 11-12, chain rule through θ = exp(log θ)):
        // ∂L/∂log θ_j = θ_j · Σ_t K((pre_tj − θ_j)/ε) · [ −(θ_j/ε)·∂L/∂f_tj − λ/(ε·B) ],  K = 1 on |u| < ½.
        var w = ReferenceSaeLoss.Weights.From(p);
        var pre = reference.Pre(w);
        var xHat = reference.Reconstruction(w, reference.Activations(w, pre));
        int inWindow = 0;
        for (int j = 0; j < Width; j++)
        {
            double theta = Math.Exp(w.LogTheta[j]), expected = 0;
            for (int t = 0; t < Rows; t++)
            {
                if (!(Math.Abs((pre[t * Width + j] - theta) / eps) < 0.5)) continue;
                inWindow++;
                double dLdf = 0;
                for (int c = 0; c < DIn; c++) dLdf += 2.0 / Rows * (xHat[t * DIn + c] - x[t * DIn + c]) * w.Dec[j * DIn + c];
                expected += -(theta / eps) * dLdf - lambda / (eps * Rows);
            }
            AssertClose(theta * expected, g.LogThreshold[j], $"log_threshold[{j}]");
        }
        Assert.True(inWindow >= 5, $"too few pre-activations near a threshold ({inWindow}) for a meaningful check");
    }

    [Fact]
    public void Frozen_tensors_get_no_gradient()
    {
        var (p, x) = Setup(SaeArchitecture.TopK, 8);
        var trainable = All & ~TrainableTensors.Encoder & ~TrainableTensors.Decoder;
        var batch = new TrainingBatch(Rows, DIn, Width);
        x.CopyTo(batch.Input, 0);
        var g = new SaeParameters(DIn, Width, false);
        new TopKObjective(3, 4, 0.5).Evaluate(batch, p, g, trainable, 0, [2, 5]);
        Assert.All(g.EncoderRows, v => Assert.Equal(0f, v));
        Assert.All(g.Decoder, v => Assert.Equal(0f, v));
        Assert.Contains(g.EncoderBias, v => v != 0f);
        Assert.Contains(g.DecoderBias, v => v != 0f);
    }

    private static ReferenceSaeLoss Reference(SaeArchitecture arch, float[] x, double lambda = 0, int[]? dead = null, int auxK = 0, double auxCoefficient = 0) => new()
    {
        Architecture = arch,
        DIn = DIn,
        Width = Width,
        X = x.Select(v => (double)v).ToArray(),
        K = 3,
        Lambda = lambda,
        Dead = dead ?? [],
        AuxK = auxK,
        AuxCoefficient = auxCoefficient,
    };

    private static (SaeParameters P, float[] X) Setup(SaeArchitecture arch, int seed)
    {
        var rng = new Random(seed);
        var p = new SaeParameters(DIn, Width, arch == SaeArchitecture.JumpRelu);
        Fill(p.EncoderRows, rng, 0.6);
        for (int j = 0; j < Width; j++)
        {
            // Decoder rows of different norms, so the L1 term's ‖W_dec‖ weighting is exercised.
            double scale = 0.5 + rng.NextDouble();
            for (int c = 0; c < DIn; c++) p.Decoder[j * DIn + c] = (float)(scale * Gaussian(rng) / Math.Sqrt(DIn));
        }
        Fill(p.EncoderBias, rng, 0.2);
        Fill(p.DecoderBias, rng, 0.3);
        for (int j = 0; j < p.LogThreshold.Length; j++) p.LogThreshold[j] = (float)Math.Log(0.05 + 0.5 * rng.NextDouble());
        var x = new float[Rows * DIn];
        Fill(x, rng, 1.0);
        return (p, x);
    }

    private static (SaeParameters G, LossTerms Terms) Analytic(SaeObjective objective, SaeParameters p, float[] x, double lambda, int[] dead)
    {
        var batch = new TrainingBatch(Rows, DIn, Width);
        x.CopyTo(batch.Input, 0);
        var g = new SaeParameters(DIn, Width, p.HasThreshold);
        var terms = objective.Evaluate(batch, p, g, All, lambda, dead);
        return (g, terms);
    }

    private static void CheckAll(ReferenceSaeLoss reference, SaeParameters p, SaeParameters g)
    {
        var w = ReferenceSaeLoss.Weights.From(p);
        Check(reference, w, w.Enc, g.EncoderRows, "W_enc");
        Check(reference, w, w.Dec, g.Decoder, "W_dec");
        Check(reference, w, w.BEnc, g.EncoderBias, "b_enc");
        Check(reference, w, w.BDec, g.DecoderBias, "b_dec");
    }

    private static void Check(ReferenceSaeLoss reference, ReferenceSaeLoss.Weights w, double[] tensor, float[] analytic, string name)
    {
        double largest = 0;
        for (int i = 0; i < tensor.Length; i++)
        {
            double keep = tensor[i];
            tensor[i] = keep + H;
            double up = reference.Loss(w);
            tensor[i] = keep - H;
            double down = reference.Loss(w);
            tensor[i] = keep;
            double numeric = (up - down) / (2 * H);
            largest = Math.Max(largest, Math.Abs(numeric));
            AssertClose(numeric, analytic[i], $"{name}[{i}]");
        }
        Assert.True(largest > 1e-3, $"{name}: every finite difference is ~0, so the check is vacuous");
    }

    private static void AssertClose(double expected, double actual, string what)
    {
        double tol = 2e-4 + 1e-3 * Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: analytic {actual} vs reference {expected} (tolerance {tol})");
    }

    private static void Fill(float[] a, Random rng, double scale)
    {
        for (int i = 0; i < a.Length; i++) a[i] = (float)(scale * Gaussian(rng));
    }

    private static double Gaussian(Random rng) => SaeInitializer.Gaussian(rng);
}
