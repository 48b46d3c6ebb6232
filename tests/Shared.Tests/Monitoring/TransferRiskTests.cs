using ProbeMonitor.Monitoring;
using ProbeMonitor.Probes.Bundles;
using Xunit;
using Xunit.Abstractions;

namespace ProbeMonitor.Shared.Tests.Monitoring;

public sealed class TransferRiskTests(ITestOutputHelper output)
{
    [Fact]
    public void Signal_scale_hits_its_anchors_and_is_monotone_and_bounded()
    {
        var scale = new SignalScale(0.1, 0.25);
        Assert.Equal(0.5, scale.Map(0.1), 12);
        Assert.Equal(0.9, scale.Map(0.25), 12);
        Assert.Equal(Math.Log(9) / Math.Log(2.5), scale.Exponent, 12);
        Assert.Equal(0, scale.Map(0));
        Assert.Equal(0, scale.Map(-1));
        Assert.True(double.IsNaN(scale.Map(double.NaN)));
        Assert.Equal(1, scale.Map(double.PositiveInfinity));
        double previous = 0;
        for (double x = 1e-6; x < 1e6; x *= 1.1)
        {
            double r = scale.Map(x);
            Assert.InRange(r, 0, 1);
            Assert.True(r >= previous, $"r({x}) = {r} < {previous}");
            previous = r;
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalScale(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalScale(0.2, 0.2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignalScale(0.1, double.PositiveInfinity));
    }

    [Fact]
    public void Noisy_or_matches_its_definition()
    {
        Assert.Equal(0, TransferRisk.NoisyOr());
        Assert.Equal(0.75, TransferRisk.NoisyOr(0.5, 0.5), 15);
        Assert.Equal(1 - 0.9 * 0.8 * 0.7, TransferRisk.NoisyOr(0.1, 0.2, double.NaN, 0.3), 15);
        Assert.Equal(1, TransferRisk.NoisyOr(1, 0.3));
        Assert.Throws<ArgumentOutOfRangeException>(() => TransferRisk.NoisyOr(1.5));
    }

    [Fact]
    public void Combination_follows_the_documented_formula()
    {
        var o = TransferRiskOptions.Default;
        var s = Snapshot(psi: 0.12, ks: 0.05, w: 0.2, pos: 0.02, oodExcess: 0.03, latentPsi: 0.05, disagreement: 0.1);
        double scoreShift = new[] { o.Psi.Map(0.12), o.Ks.Map(0.05), o.Wasserstein.Map(0.2), o.PositiveRateShift.Map(0.02) }.Max();
        double expected = 1 - (1 - scoreShift) * (1 - o.OodExcess.Map(0.03)) * (1 - o.LatentFiringPsi.Map(0.05)) * (1 - o.Disagreement.Map(0.1));
        var a = TransferRisk.Assess(s);
        Assert.Equal(scoreShift, a.ScoreShift, 15);
        Assert.Equal(expected, a.Risk, 15);
        Assert.Equal(expected, TransferRisk.Combine(s), 15);
        Assert.True(a.Risk >= Math.Max(Math.Max(a.ScoreShift, a.ActivationOod), Math.Max(a.LatentFiring, a.Disagreement)));
    }

    [Fact]
    public void Risk_is_bounded_and_monotone_in_every_signal()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 2000; trial++)
        {
            var v = new double[7];
            for (int i = 0; i < v.Length; i++) v[i] = rng.NextDouble() < 0.15 ? double.NaN : Math.Pow(rng.NextDouble(), 2) * 0.6;
            double risk = TransferRisk.Combine(Snapshot(v));
            Assert.InRange(risk, 0, 1);
            int which = rng.Next(v.Length);
            if (double.IsNaN(v[which])) continue;
            var higher = (double[])v.Clone();
            higher[which] += rng.NextDouble() * 0.3;
            double after = TransferRisk.Combine(Snapshot(higher));
            Assert.True(after >= risk, $"raising signal {which} from {v[which]} to {higher[which]} lowered the risk from {risk} to {after}");
        }
        Assert.Equal(0, TransferRisk.Combine(Snapshot(0, 0, 0, 0, 0, 0, 0)));
        Assert.True(TransferRisk.Combine(Snapshot(9, 1, 9, 1, 1, 9, 1)) > 0.999);
    }

    [Fact]
    public void In_distribution_traffic_scores_low_and_shifted_traffic_high()
    {
        var reference = DriftScenario.Reference(DriftScenario.InDistribution().Sample(new Random(21), 20_000));
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var calm = Track(reference, DriftScenario.InDistribution(), seed);
            var shifted = Track(reference, DriftScenario.Shifted(), seed);
            double calmRisk = TransferRisk.Combine(calm), shiftedRisk = TransferRisk.Combine(shifted);
            output.WriteLine($"seed {seed}: calm {TransferRisk.Assess(calm)} PSI {calm.Psi:F4} KS {calm.KsStatistic:F4} OOD {calm.OodShare:F4}");
            output.WriteLine($"seed {seed}: shifted {TransferRisk.Assess(shifted)} PSI {shifted.Psi:F4} KS {shifted.KsStatistic:F4} OOD {shifted.OodShare:F4}");
            Assert.True(calmRisk < 0.1, $"seed {seed}: in-distribution risk {calmRisk} (PSI {calm.Psi}, KS {calm.KsStatistic}, OOD {calm.OodShare})");
            Assert.True(shiftedRisk > 0.9, $"seed {seed}: shifted risk {shiftedRisk}");
            Assert.InRange(calm.OodRatio, 0.3, 2.0);
        }

        // Each kind of evidence alone raises the risk: a shift of only the activations (scores and latents in distribution).
        var onlyOod = new DriftScenario(-1.0, 1.6, [0.05, 0.2, 0.5, 0.8]);
        var a = TransferRisk.Assess(Track(reference, onlyOod, 4));
        Assert.True(a.ActivationOod > 0.9 && a.ScoreShift < 0.2 && a.LatentFiring < 0.2, a.ToString());
        var onlyLatents = new DriftScenario(-1.0, 1.0, [0.2, 0.05, 0.5, 0.8]);
        var b = TransferRisk.Assess(Track(reference, onlyLatents, 5));
        Assert.True(b.LatentFiring > 0.5 && b.ScoreShift < 0.2 && b.ActivationOod < 0.2, b.ToString());
    }

    private static DriftSnapshot Track(ReferenceStatistics reference, DriftScenario scenario, int seed)
    {
        var tracker = new ProbeDriftTracker("p", reference, DriftWindow.ByCount(2000));
        foreach (var r in scenario.Sample(new Random(seed), 2000)) tracker.Record(r.Probability, r.Decision, r.MahalanobisSquared, r.Latents);
        return tracker.Snapshot();
    }

    private static DriftSnapshot Snapshot(params double[] v) => Snapshot(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);

    private static DriftSnapshot Snapshot(double psi, double ks, double w, double pos, double oodExcess, double latentPsi, double disagreement) =>
        new(1000, 100, 1000, psi, ks, 0.5, w, 0.3, 0.3, pos, 1000, 10, oodExcess + 0.01, (oodExcess + 0.01) / 0.01, oodExcess,
            1000, 0.01, latentPsi, null, 1000, disagreement);
}
