using ProbeMonitor.Statistics.Drift;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Statistics.Drift;

public sealed class HistogramTests
{
    /// <summary>The bin rule written out by linear scan: under, [e_{i−1}, e_i), over.</summary>
    private static int NaiveBin(double[] edges, double x)
    {
        if (double.IsNaN(x)) return -1;
        if (x < edges[0]) return 0;
        for (int i = 1; i < edges.Length; i++)
            if (x < edges[i]) return i;
        return edges.Length;
    }

    [Fact]
    public void Bin_lookup_matches_a_linear_scan_including_edges_and_infinities()
    {
        double[] e = [-1, 0, 0.5, 2];
        var edges = new BinEdges(e);
        Assert.Equal(5, edges.BinCount);
        foreach (var x in new[] { double.NegativeInfinity, -5, -1, -0.5, 0, 0.25, 0.5, 1.9, 2, 3, double.PositiveInfinity, double.NaN, -0.0 })
            Assert.Equal(NaiveBin(e, x), edges.IndexOf(x));
        Assert.Contains("strictly increase", Assert.Throws<ArgumentException>(() => new BinEdges([0.0, 1, 1])).Message);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => new BinEdges([0.0, double.PositiveInfinity])).Message);
    }

    [Fact]
    public void Quantile_edges_put_the_reference_inside_and_merge_ties()
    {
        var reference = Enumerable.Range(0, 1000).Select(i => i / 10.0).ToArray();
        var edges = BinEdges.FromQuantiles(reference, 10);
        Assert.Equal(11, edges.Edges.Length);
        var counts = HistogramCounts.Of(edges, reference);
        Assert.Equal(0, counts.Counts[0]);
        Assert.Equal(0, counts.Counts[^1]); // the maximum lands inside thanks to the nudged top edge
        Assert.All(counts.Counts[1..^1].ToArray(), c => Assert.InRange(c, 99, 101));
        // Heavy ties: 90% zeros collapse the first nine quantile edges into one.
        var tied = Enumerable.Repeat(0.0, 900).Concat(Enumerable.Range(1, 100).Select(i => (double)i)).ToArray();
        Assert.Equal(3, BinEdges.FromQuantiles(tied, 10).Edges.Length);
        Assert.Equal(2, BinEdges.FromQuantiles([5.0, 5.0], 4).Edges.Length);
    }

    [Fact]
    public void Streaming_histogram_counts_like_the_naive_rule_under_concurrent_adds()
    {
        double[] e = [0, 0.1, 0.3, 0.6, 1];
        var histogram = new StreamingHistogram(new BinEdges(e));
        int threads = 8, perThread = 20_000;
        var expected = new long[e.Length + 1];
        long expectedNaN = 0;
        var batches = new double[threads][];
        var rng = new Random(4);
        for (int t = 0; t < threads; t++)
        {
            batches[t] = Enumerable.Range(0, perThread).Select(i => i % 997 == 0 ? double.NaN : rng.NextDouble() * 1.4 - 0.2).ToArray();
            foreach (var x in batches[t])
            {
                int b = NaiveBin(e, x);
                if (b < 0) expectedNaN++; else expected[b]++;
            }
        }
        Parallel.For(0, threads, t =>
        {
            // Half the threads add one at a time, half in float batches, so both paths race.
            if (t % 2 == 0) foreach (var x in batches[t]) histogram.Add(x);
            else for (int i = 0; i < perThread; i += 1000) histogram.Add(batches[t].Skip(i).Take(1000).Select(v => (float)v).ToArray());
        });
        var snapshot = histogram.Snapshot();
        // Floats round a few values across an edge; count the float threads with the float rule.
        var expectedMixed = new long[e.Length + 1];
        for (int t = 0; t < threads; t++)
            foreach (var x in batches[t])
            {
                int b = NaiveBin(e, t % 2 == 0 ? x : (float)x);
                if (b >= 0) expectedMixed[b]++;
            }
        Assert.Equal(expectedMixed, snapshot.Counts.ToArray());
        Assert.Equal(expectedNaN, snapshot.NaNCount);
        Assert.Equal(threads * perThread - expectedNaN, snapshot.Total);
        histogram.Reset();
        Assert.Equal(0, histogram.Count);
    }

    [Fact]
    public void Sliding_window_by_count_holds_exactly_the_newest_sub_windows()
    {
        var edges = new BinEdges([0.0, 10, 20, 30]);
        var window = SlidingWindowHistogram.ByCount(edges, subWindows: 3, valuesPerSubWindow: 5);
        var values = Enumerable.Range(0, 37).Select(i => (double)(i * 7 % 40) - 2).ToArray();
        for (int i = 0; i < values.Length; i++)
        {
            window.Add(values[i]);
            // After m values, the current epoch is (m − 1)/5 and the window holds epochs ≥ that − 2.
            int m = i + 1, epoch = (m - 1) / 5, first = Math.Max(0, epoch - 2) * 5;
            var expected = HistogramCounts.Of(edges, values[first..m]);
            Assert.Equal(expected.Counts.ToArray(), window.Snapshot().Counts.ToArray());
        }
        // Batches split across sub-window boundaries land in the same place as single adds.
        var batched = SlidingWindowHistogram.ByCount(edges, 3, 5);
        batched.Add(values[..13].Select(v => (float)v).ToArray());
        batched.Add(values[13..].Select(v => (float)v).ToArray());
        Assert.Equal(window.Snapshot().Counts.ToArray(), batched.Snapshot().Counts.ToArray());
    }

    [Fact]
    public void Sliding_window_by_time_expires_old_sub_windows_even_when_idle()
    {
        var clock = new ManualClock();
        var edges = new BinEdges([0.0, 1]);
        var window = SlidingWindowHistogram.ByTime(edges, subWindows: 4, TimeSpan.FromSeconds(10), clock);
        window.Add(0.5);                                    // epoch 0
        clock.Advance(TimeSpan.FromSeconds(15)); window.Add(0.5); window.Add(2);   // epoch 1
        clock.Advance(TimeSpan.FromSeconds(20)); window.Add(-1);                   // epoch 3
        Assert.Equal([1L, 2, 1], window.Snapshot().Counts.ToArray());
        clock.Advance(TimeSpan.FromSeconds(10));            // epoch 4: epoch 0 leaves
        Assert.Equal([1L, 1, 1], window.Snapshot().Counts.ToArray());
        clock.Advance(TimeSpan.FromSeconds(40));            // epoch 8: everything has left, with no add to trigger it
        Assert.Equal(0, window.Snapshot().Total);
        window.Add(0.25);                                    // recycles slot 0, which held epoch 0
        Assert.Equal([0L, 1, 0], window.Snapshot().Counts.ToArray());
    }

    [Fact]
    public void Sliding_window_survives_concurrent_adds_and_rotation()
    {
        var edges = new BinEdges([0.0, 1]);
        var window = SlidingWindowHistogram.ByCount(edges, subWindows: 4, valuesPerSubWindow: 1000);
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 25_000; i++) window.Add(0.5);
        });
        // 200,000 adds end exactly at a sub-window boundary: the window holds the last 4 full sub-windows.
        Assert.Equal(4000, window.Snapshot().Counts[1]);
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
