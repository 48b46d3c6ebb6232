using ProbeMonitor.Monitoring;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Monitoring;

public sealed class TaskDisagreementTrackerTests
{
    [Fact]
    public void Rate_and_gap_equal_a_direct_count_over_the_window()
    {
        var tracker = new TaskDisagreementTracker("toxicity", "tox-sae", "tox-dense", DriftWindow.ByCount(500, 5, 50));
        var rng = new Random(5);
        var rows = new List<(bool S, bool D, double Ps, double Pd)>();
        for (int i = 0; i < 1234; i++)
        {
            double ps = rng.NextDouble(), pd = Math.Clamp(ps + 0.3 * (rng.NextDouble() - 0.5), 0, 1);
            rows.Add((ps >= 0.5, pd >= 0.6, ps, pd));
            tracker.Record(ps >= 0.5, pd >= 0.6, ps, pd);
        }
        var s = tracker.Snapshot();
        // 100 per sub-window; epochs 0..12, window 8..12: rows 800..1233.
        var window = rows.Skip(800).ToList();
        Assert.Equal(window.Count, s.WindowCount);
        Assert.Equal(window.Count(r => r.S != r.D), s.Disagreements);
        Assert.Equal(window.Count(r => r.S != r.D) / (double)window.Count, s.DisagreementRate, 12);
        Assert.Equal(window.Average(r => Math.Abs(r.Ps - r.Pd)), s.MeanProbabilityGap, 7);
        Assert.True(s.IsSufficient);
        Assert.Equal(("toxicity", "tox-sae", "tox-dense"), (s.Task, s.SaeProbeId, s.DenseProbeId));
    }

    [Fact]
    public void Below_the_minimum_rates_are_NaN_and_a_probe_snapshot_takes_them()
    {
        var tracker = new TaskDisagreementTracker("t", "a", "b", DriftWindow.ByCount(100, 10, 20));
        for (int i = 0; i < 19; i++) tracker.Record(true, false, 0.9, 0.1);
        var s = tracker.Snapshot();
        Assert.False(s.IsSufficient);
        Assert.True(double.IsNaN(s.DisagreementRate) && double.IsNaN(s.MeanProbabilityGap));
        tracker.Record(true, true, 0.9, 0.8);
        s = tracker.Snapshot();
        Assert.Equal(19 / 20.0, s.DisagreementRate, 15);
        var probe = new DriftSnapshot(100, 10, 100, 0, 0, 1, 0, 0.1, 0.1, 0, 0, 0, double.NaN, double.NaN, double.NaN, 0, double.NaN, double.NaN, null)
            .WithDisagreement(s);
        Assert.Equal(20, probe.DisagreementCount);
        Assert.Equal(0.95, probe.DisagreementRate, 15);
        Assert.True(TransferRisk.Assess(probe).Disagreement > 0.9);
    }

    [Fact]
    public void Concurrent_records_are_all_counted()
    {
        var tracker = new TaskDisagreementTracker("t", "a", "b", DriftWindow.ByCount(100_000, 10, 1));
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            for (int i = 0; i < 10_000; i++) tracker.Record(i % 4 == 0, false, 0.25, 0.75);
        });
        var s = tracker.Snapshot();
        Assert.Equal(40_000, s.WindowCount);
        Assert.Equal(10_000, s.Disagreements);
        Assert.Equal(0.5, s.MeanProbabilityGap, 12);
    }

    [Fact]
    public void A_pair_needs_two_probes()
    {
        Assert.Throws<ArgumentException>(() => new TaskDisagreementTracker("t", "a", "a", DriftWindow.ByCount()));
        Assert.Throws<ArgumentException>(() => new TaskDisagreementTracker("", "a", "b", DriftWindow.ByCount()));
    }
}
