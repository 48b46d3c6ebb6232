using ProbeMonitor.Monitoring;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Monitoring;

/// <summary>RecordBatch against the same requests recorded one at a time (whose counts ProbeDriftTrackerTests and
/// TaskDisagreementTrackerTests check against direct computations): batches that straddle sub-window boundaries must
/// land every request in the sub-window its place in the stream puts it in.</summary>
public sealed class BatchRecordingTests
{
    private static readonly ReferenceStatistics Reference = DriftScenario.Reference(DriftScenario.InDistribution().Sample(new Random(1), 20_000));

    /// <summary>Irregular batch sizes: 1, 7 and 33 cross the 200-request sub-windows at varying offsets, 0 is allowed.</summary>
    private static IEnumerable<(int Start, int Length)> Batches(int total)
    {
        int[] sizes = [7, 1, 33, 0, 64, 5, 200, 13];
        int start = 0;
        for (int i = 0; start < total; i++)
        {
            int length = Math.Min(sizes[i % sizes.Length], total - start);
            yield return (start, length);
            start += length;
        }
    }

    [Fact]
    public void A_drift_tracker_counts_batches_exactly_as_single_records()
    {
        var requests = DriftScenario.Shifted().Sample(new Random(7), 2555).ToList();
        requests[2400] = requests[2400] with { Probability = 1.0 };
        requests[2401] = requests[2401] with { Probability = 0.0 };
        requests[2402] = requests[2402] with { Probability = double.NaN };
        var window = DriftWindow.ByCount(2000, 10, 100);
        var single = new ProbeDriftTracker("p", Reference, window);
        var batched = new ProbeDriftTracker("p", Reference, window);
        int k = Reference.LatentFiringRates!.Length;
        for (int i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            single.Record(r.Probability, r.Decision, i % 7 == 3 ? null : r.MahalanobisSquared, r.Latents);
        }
        foreach (var (start, length) in Batches(requests.Count))
        {
            var slice = requests.Skip(start).Take(length).ToArray();
            var d2 = slice.Select((r, j) => (start + j) % 7 == 3 ? double.NaN : r.MahalanobisSquared).ToArray();
            var latents = slice.SelectMany(r => r.Latents).ToArray();
            Assert.Equal(length * k, latents.Length);
            batched.RecordBatch(slice.Select(r => r.Probability).ToArray(), slice.Select(r => r.Decision).ToArray(), d2, latents);
        }
        AssertSameSnapshot(single.Snapshot(), batched.Snapshot());
        Assert.Equal(2555 - 600, batched.Snapshot().WindowCount); // epochs 3..12 of 200, the last one filling
    }

    [Fact]
    public void A_batch_without_distances_or_latents_counts_neither()
    {
        var tracker = new ProbeDriftTracker("p", Reference, DriftWindow.ByCount(100, 10, 1));
        tracker.RecordBatch([0.2, 0.7, 0.9], [false, true, true]);
        var s = tracker.Snapshot();
        Assert.Equal((3L, 0L, 0L), (s.WindowCount, s.DistanceCount, s.LatentRecordCount));
        Assert.Equal(2 / 3.0, s.WindowPositiveRate, 15);
    }

    [Fact]
    public void Time_windows_put_a_whole_batch_in_the_current_sub_window()
    {
        var clock = new ManualTimeProvider();
        var window = DriftWindow.ByTime(TimeSpan.FromSeconds(10), 5, 1, clock); // 2 s sub-windows
        var single = new ProbeDriftTracker("p", Reference, window);
        var batched = new ProbeDriftTracker("p", Reference, window);
        var requests = DriftScenario.Shifted().Sample(new Random(3), 300);
        for (int step = 0; step < 10; step++)
        {
            var slice = requests.Skip(step * 30).Take(30).ToArray();
            foreach (var r in slice) single.Record(r.Probability, r.Decision, r.MahalanobisSquared, r.Latents);
            batched.RecordBatch(slice.Select(r => r.Probability).ToArray(), slice.Select(r => r.Decision).ToArray(),
                slice.Select(r => r.MahalanobisSquared).ToArray(), slice.SelectMany(r => r.Latents).ToArray());
            AssertSameSnapshot(single.Snapshot(), batched.Snapshot());
            clock.Advance(TimeSpan.FromSeconds(1.5));
        }
        Assert.True(batched.Snapshot().WindowCount < 300); // old sub-windows expired
    }

    [Fact]
    public void Batch_lengths_that_disagree_are_refused_with_the_probe_named()
    {
        var tracker = new ProbeDriftTracker("sae-x", Reference, DriftWindow.ByCount());
        Assert.Contains("sae-x", Assert.Throws<ArgumentException>(() => tracker.RecordBatch([0.1, 0.2], [true])).Message);
        Assert.Contains("distances", Assert.Throws<ArgumentException>(() => tracker.RecordBatch([0.1, 0.2], [true, false], [1.0])).Message);
        var e = Assert.Throws<ArgumentException>(() => tracker.RecordBatch([0.1, 0.2], [true, false], default, new float[4]));
        Assert.Contains("2 × 4", e.Message);
        Assert.Equal(0, tracker.Snapshot().WindowCount);
    }

    [Fact]
    public void Batch_recording_does_not_allocate()
    {
        var tracker = new ProbeDriftTracker("p", Reference, DriftWindow.ByCount(500, 10, 10));
        var pair = new TaskDisagreementTracker("t", "s", "d", DriftWindow.ByCount(500, 10, 10));
        var requests = DriftScenario.Shifted().Sample(new Random(8), 64);
        var probabilities = requests.Select(r => r.Probability).ToArray();
        var decisions = requests.Select(r => r.Decision).ToArray();
        var d2 = requests.Select(r => r.MahalanobisSquared).ToArray();
        var latents = requests.SelectMany(r => r.Latents).ToArray();
        var flipped = decisions.Select(d => !d).ToArray();
        void RecordAll(int rounds)
        {
            for (int round = 0; round < rounds; round++)
            {
                tracker.RecordBatch(probabilities, decisions, d2, latents);
                pair.RecordBatch(decisions, flipped, probabilities, d2);
            }
        }
        RecordAll(20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        RecordAll(50);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_disagreement_tracker_counts_batches_exactly_as_single_records()
    {
        var rng = new Random(11);
        int n = 1234;
        var sae = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var dense = Enumerable.Range(0, n).Select(i => i % 50 == 0 ? double.NaN : rng.NextDouble()).ToArray();
        var window = DriftWindow.ByCount(500, 10, 10);
        var single = new TaskDisagreementTracker("t", "s", "d", window);
        var batched = new TaskDisagreementTracker("t", "s", "d", window);
        for (int i = 0; i < n; i++) single.Record(sae[i] >= 0.5, dense[i] >= 0.4, sae[i], dense[i]);
        foreach (var (start, length) in Batches(n))
        {
            var s = sae.AsSpan(start, length);
            var d = dense.AsSpan(start, length);
            var sd = s.ToArray().Select(v => v >= 0.5).ToArray();
            var dd = d.ToArray().Select(v => v >= 0.4).ToArray();
            batched.RecordBatch(sd, dd, s, d);
        }
        Assert.Equal(single.Snapshot(), batched.Snapshot());
        Assert.Equal(1234 - 750, batched.Snapshot().WindowCount); // epochs 15..24 of 50, the last one filling
    }

    private static void AssertSameSnapshot(DriftSnapshot expected, DriftSnapshot actual)
    {
        Assert.Equal(expected.WindowLatentFiringRates, actual.WindowLatentFiringRates);
        Assert.Equal(expected with { WindowLatentFiringRates = null }, actual with { WindowLatentFiringRates = null });
    }
}
