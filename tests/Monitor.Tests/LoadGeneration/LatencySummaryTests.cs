using System.Diagnostics;
using ProbeMonitor.Monitor.LoadGeneration;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.LoadGeneration;

/// <summary>Nearest-rank percentiles against a naive definition: the smallest sample with at least q·n samples at or below it,
/// found by counting, with no sorting or index formula.</summary>
public sealed class LatencySummaryTests
{
    private static readonly (long Num, long Den)[] Quantiles = [(0, 1), (1, 1000), (1, 2), (9, 10), (99, 100), (999, 1000), (1, 1), (1, 3), (2, 3)];

    /// <summary>The naive nearest-rank percentile: the smallest x in the samples with count(s ≤ x)·den ≥ num·n.</summary>
    private static long Naive(long[] samples, long num, long den)
    {
        long best = long.MaxValue;
        foreach (long x in samples)
        {
            long atOrBelow = samples.LongCount(s => s <= x);
            if (atOrBelow * den >= num * samples.Length && x < best) best = x;
        }
        return best;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(7, 3)]
    [InlineData(100, 4)]
    [InlineData(1000, 5)]
    [InlineData(1001, 6)]
    [InlineData(1500, 7)]
    public void Nearest_rank_matches_the_counting_definition(int n, int seed)
    {
        var rng = new Random(seed);
        // Heavy ties (values from a small range) and a long tail, as latencies have.
        var samples = Enumerable.Range(0, n).Select(_ => rng.Next(4) == 0 ? (long)rng.Next(1_000_000) : rng.Next(50)).ToArray();
        var sorted = samples.Order().ToArray();
        foreach (var (num, den) in Quantiles)
            Assert.Equal(Naive(samples, num, den), LatencySummary.NearestRank(sorted, num, den));
    }

    [Fact]
    public void Summary_reports_mean_percentiles_and_max_in_microseconds()
    {
        var rng = new Random(11);
        var ticks = Enumerable.Range(0, 2345).Select(_ => (long)rng.Next(1, 5_000_000)).ToArray();
        var copy = ticks.ToArray();
        var s = LatencySummary.FromTicks(copy);
        double us = 1e6 / Stopwatch.Frequency;
        Assert.Equal(ticks.Length, s.Count);
        Assert.Equal(ticks.Average() * us, s.MeanUs, 6);
        Assert.Equal(Naive(ticks, 1, 2) * us, s.P50Us);
        Assert.Equal(Naive(ticks, 9, 10) * us, s.P90Us);
        Assert.Equal(Naive(ticks, 99, 100) * us, s.P99Us);
        Assert.Equal(Naive(ticks, 999, 1000) * us, s.P999Us);
        Assert.Equal(ticks.Max() * us, s.MaxUs);
    }

    [Fact]
    public void No_samples_give_NaN_and_bad_quantiles_are_refused()
    {
        var empty = LatencySummary.FromTicks([]);
        Assert.Equal(0, empty.Count);
        Assert.True(double.IsNaN(empty.P50Us) && double.IsNaN(empty.MaxUs));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencySummary.NearestRank(new long[] { 1 }, 3, 2));
        Assert.Throws<ArgumentException>(() => LatencySummary.NearestRank(ReadOnlySpan<long>.Empty, 1, 2));
    }
}
