using ProbeMonitor.Statistics;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics;

public sealed class BootstrapTests
{
    private static (double[] Scores, int[] Labels) Separable(int n, int seed)
    {
        var rng = new Random(seed);
        var y = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? 1 : 0).ToArray();
        var s = y.Select(v => rng.NextDouble() + 0.5 * v).ToArray();
        return (s, y);
    }

    private static double Mean(ReadOnlySpan<double> v)
    {
        double sum = 0;
        foreach (var x in v) sum += x;
        return sum / v.Length;
    }

    [Fact]
    public void Same_seed_same_interval_other_seed_other_interval()
    {
        var (s, y) = Separable(120, 1);
        var a = Bootstrap.RocAuc(s, y, new BootstrapOptions(500, 0.95, Seed: 3, Stratified: true));
        var b = Bootstrap.RocAuc(s, y, new BootstrapOptions(500, 0.95, Seed: 3, Stratified: true));
        var c = Bootstrap.RocAuc(s, y, new BootstrapOptions(500, 0.95, Seed: 4, Stratified: true));
        Assert.Equal(a.Replicates, b.Replicates);
        Assert.Equal((a.Lower, a.Upper), (b.Lower, b.Upper));
        Assert.NotEqual(a.Replicates, c.Replicates);
    }

    [Fact]
    public void Interval_contains_the_estimate_and_the_percentiles_of_its_replicates()
    {
        var (s, y) = Separable(150, 2);
        var ci = Bootstrap.RocAuc(s, y);
        Assert.Equal(Roc.RocAuc(s, y), ci.Estimate);
        Assert.True(ci.Lower < ci.Estimate && ci.Estimate < ci.Upper, $"{ci.Lower} < {ci.Estimate} < {ci.Upper}");
        Assert.Equal(1000, ci.Replicates.Length);
        Assert.Equal(Quantiles.LinearSorted(ci.Replicates, 0.025), ci.Lower);
        Assert.Equal(Quantiles.LinearSorted(ci.Replicates, 0.975), ci.Upper);
        // The AUC's standard error here is about 0.04 (Hanley–McNeil), so a 95% interval is roughly ±0.08 wide.
        Assert.InRange(ci.Upper - ci.Lower, 0.08, 0.30);
    }

    [Fact]
    public void Stratified_resamples_always_hold_both_classes_and_unstratified_single_class_draws_are_rejected()
    {
        // Two positives among forty: unstratified draws often miss both, stratified ones never do.
        var y = Enumerable.Range(0, 40).Select(i => i < 2 ? 1 : 0).ToArray();
        var s = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
        int sawOneClass = 0;
        Bootstrap.Interval(s, y, (sc, lab) =>
        {
            int positives = 0;
            foreach (var v in lab) positives += v;
            if (positives == 0 || positives == lab.Length) sawOneClass++;
            Assert.Equal(2, positives);
            return 0;
        }, new BootstrapOptions(300, Stratified: true));
        Assert.Equal(0, sawOneClass);
        var loose = Bootstrap.RocAuc(s, y, new BootstrapOptions(300, Stratified: false));
        // P(no positive in 40 draws) = (38/40)^40 ≈ 0.13, so about 39 of 300 should be rejected.
        Assert.InRange(loose.Rejected, 15, 70);
        Assert.Equal(300 - loose.Rejected, loose.Replicates.Length);
    }

    [Fact]
    public void Coverage_of_the_mean_is_near_nominal()
    {
        // 200 independent normal samples with known mean 0; a 90% percentile interval should cover about 90% of the time.
        var rng = new Random(123);
        int covered = 0, trials = 200;
        for (int t = 0; t < trials; t++)
        {
            var x = Enumerable.Range(0, 60).Select(_ => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())).ToArray();
            var ci = Bootstrap.Interval(x, Mean, new BootstrapOptions(400, 0.90, Seed: t));
            if (ci.Contains(0)) covered++;
        }
        // Binomial(200, 0.9) has sd ≈ 4.2; the percentile bootstrap under-covers slightly at n = 60.
        Assert.InRange(covered, 163, 192);
    }

    [Fact]
    public void Bad_options_are_rejected_by_name()
    {
        Assert.Contains("Resamples", Assert.Throws<ArgumentOutOfRangeException>(() => Bootstrap.Interval([1.0, 2.0], Mean, new BootstrapOptions(0))).ParamName);
        Assert.Contains("Confidence", Assert.Throws<ArgumentOutOfRangeException>(() => Bootstrap.Interval([1.0, 2.0], Mean, new BootstrapOptions(Confidence: 1))).ParamName);
    }
}
