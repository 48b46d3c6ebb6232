using ProbeMonitor.Statistics;
using ProbeMonitor.Statistics.Drift;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics.Drift;

public sealed class StreamingMomentsTests
{
    [Fact]
    public void Welford_matches_two_pass_moments_and_merges_exactly_enough()
    {
        // A large offset defeats the naive Σx² − n·mean² formula. Reference: subtract the offset exactly (Sterbenz), then two passes.
        var rng = new Random(1);
        var x = Enumerable.Range(0, 10_000).Select(_ => 1e8 + rng.NextDouble()).ToArray();
        var shifted = x.Select(v => v - 1e8).ToArray();
        double shiftedMean = shifted.Average();
        double mean = 1e8 + shiftedMean;
        double variance = shifted.Select(v => (v - shiftedMean) * (v - shiftedMean)).Sum() / x.Length;
        var all = new RunningMoments();
        all.Add(x);
        // The running mean carries rounding steps of ulp(1e8) ≈ 1.5e-8, which leak into each deviation: with a mean 3·10⁸
        // standard deviations from zero, about 1e-8 relative (at worst) is what double precision allows. The naive formula loses all digits.
        Assert.Equal(mean, all.Mean, 1e-14 * mean);
        Assert.Equal(variance, all.Variance, 1e-7 * variance);
        Assert.Equal(variance * x.Length / (x.Length - 1), all.SampleVariance, 1e-7 * variance);
        double naive = x.Select(v => v * v).Sum() / x.Length - x.Average() * x.Average();
        Assert.True(Math.Abs(naive - variance) > 0.1 * variance, $"the naive formula should fail here, got {naive} vs {variance}");
        Assert.Equal(x.Min(), all.Min);
        Assert.Equal(x.Max(), all.Max);

        var left = new RunningMoments();
        var right = new RunningMoments();
        left.Add(x.AsSpan(0, 3000));
        right.Add(x.AsSpan(3000));
        right.Add(double.NaN);
        left.Merge(right);
        Assert.Equal(all.Count, left.Count);
        Assert.Equal(1, left.NaNCount);
        Assert.Equal(mean, left.Mean, 1e-14 * mean);
        Assert.Equal(variance, left.Variance, 1e-7 * variance);
        Assert.True(double.IsNaN(new RunningMoments().Mean));
    }

    [Fact]
    public void Reservoir_keeps_everything_until_full_then_a_uniform_sample()
    {
        var small = new ReservoirSample(10, seed: 1);
        for (int i = 0; i < 7; i++) small.Add(i);
        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6], small.ToArray().Order().ToArray());
        Assert.Equal(3, small.Quantile(0.5));

        // Stream 0..99,999 into 2,000 slots: the sample's quantiles track the stream's (sd of a sample quantile ≈ 0.011·range).
        var reservoir = new ReservoirSample(2000, seed: 2);
        for (int i = 0; i < 100_000; i++) reservoir.Add(i);
        Assert.Equal(100_000, reservoir.Seen);
        Assert.Equal(2000, reservoir.ToArray().Length);
        Assert.InRange(reservoir.Quantile(0.5), 46_000, 54_000);
        Assert.InRange(reservoir.Quantile(0.9), 87_000, 93_000);
        // Same seed, same stream, same sample.
        var again = new ReservoirSample(2000, seed: 2);
        for (int i = 0; i < 100_000; i++) again.Add(i);
        Assert.Equal(reservoir.ToArray(), again.ToArray());
    }
}
