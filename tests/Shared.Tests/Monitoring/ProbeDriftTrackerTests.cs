using ProbeMonitor.Monitoring;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Statistics.Drift;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Monitoring;

public sealed class ProbeDriftTrackerTests
{
    private static readonly ReferenceStatistics Reference = DriftScenario.Reference(DriftScenario.InDistribution().Sample(new Random(1), 20_000));

    [Fact]
    public void Signals_equal_a_direct_computation_on_the_same_window()
    {
        var tracker = new ProbeDriftTracker("p", Reference, DriftWindow.ByCount(2000, 10, 100));
        var rng = new Random(7);
        var requests = DriftScenario.Shifted().Sample(rng, 2555).ToList();
        // Edge cases the binning must get right: exactly the last edge, exactly the first, and a NaN probability.
        requests[2400] = requests[2400] with { Probability = 1.0 };
        requests[2401] = requests[2401] with { Probability = 0.0 };
        requests[2402] = requests[2402] with { Probability = double.NaN };
        // Some requests without a distance or latents.
        for (int i = 0; i < requests.Count; i++)
        {
            var r = requests[i];
            tracker.Record(r.Probability, r.Decision, i % 7 == 3 ? null : r.MahalanobisSquared, i % 11 == 5 ? default : r.Latents);
        }

        var s = tracker.Snapshot();
        // 200 per sub-window; records 0..2554 fill epochs 0..12 and the window keeps epochs 3..12.
        Assert.Equal(2555 - 600, s.WindowCount);
        var window = Enumerable.Range(600, 1955).ToArray();

        var edges = new BinEdges(DriftScenario.Edges);
        var refCounts = new long[edges.BinCount];
        Reference.ScoreHistogram.Counts.CopyTo(refCounts, 1);
        var curCounts = new long[edges.BinCount];
        DriftScenario.NumpyHistogram(window.Select(i => requests[i].Probability), DriftScenario.Edges).CopyTo(curCounts, 1);
        var refH = new HistogramCounts(edges, refCounts);
        var curH = new HistogramCounts(edges, curCounts);
        Assert.Equal(1954, curH.Total);
        Assert.Equal(1954, s.ScoreCount);
        Assert.Equal(PopulationStability.Index(refH, curH), s.Psi, 12);
        var ks = KolmogorovSmirnov.BetweenHistograms(refH, curH);
        Assert.Equal(ks.Statistic, s.KsStatistic, 12);
        Assert.Equal(ks.PValue, s.KsPValue, 12);
        Assert.Equal(Wasserstein.Distance(refH, curH) / refH.StandardDeviation(), s.WassersteinNormalized, 12);

        double positiveRate = window.Count(i => requests[i].Decision) / (double)window.Length;
        Assert.Equal(positiveRate, s.WindowPositiveRate, 12);
        Assert.Equal(Math.Abs(positiveRate - Reference.PositiveRate), s.PositiveRateShift, 12);

        var withDistance = window.Where(i => i % 7 != 3).ToArray();
        double share = withDistance.Count(i => requests[i].MahalanobisSquared > Reference.Covariance!.MahalanobisSquaredP99) / (double)withDistance.Length;
        Assert.Equal(withDistance.Length, s.DistanceCount);
        Assert.Equal(share, s.OodShare, 12);
        Assert.Equal(share / 0.01, s.OodRatio, 10);
        Assert.Equal(Math.Max(0, share - 0.01), s.OodExcess, 12);

        var withLatents = window.Where(i => i % 11 != 5).ToArray();
        Assert.Equal(withLatents.Length, s.LatentRecordCount);
        double absSum = 0, psiSum = 0;
        for (int j = 0; j < 4; j++)
        {
            double w = withLatents.Count(i => requests[i].Latents[j] > 0) / (double)withLatents.Length;
            double r = Reference.LatentFiringRates![j];
            Assert.Equal(w, s.WindowLatentFiringRates![j], 12);
            absSum += Math.Abs(w - r);
            psiSum += SmoothedBernoulliPsi(r, w);
        }
        Assert.Equal(absSum / 4, s.LatentFiringMeanAbsShift, 12);
        Assert.Equal(psiSum / 4, s.LatentFiringPsi, 12);
        Assert.True(double.IsNaN(s.DisagreementRate));
        Assert.True(s.IsSufficient);
    }

    /// <summary>PSI of (r, 1 − r) against (w, 1 − w) with PopulationStability's documented ε = 1e-4 smoothing, written out.</summary>
    private static double SmoothedBernoulliPsi(double r, double w)
    {
        const double eps = 1e-4;
        double scale = 1 + 2 * eps;
        double q1 = (r + eps) / scale, q0 = (1 - r + eps) / scale, p1 = (w + eps) / scale, p0 = (1 - w + eps) / scale;
        return (p1 - q1) * Math.Log(p1 / q1) + (p0 - q0) * Math.Log(p0 / q0);
    }

    [Fact]
    public void Reference_shaped_window_gives_near_zero_score_drift()
    {
        // A window whose histogram is exactly the reference's (values at bin centres, the last bin including 1.0).
        var tracker = new ProbeDriftTracker("p", Reference, DriftWindow.ByCount(20_000, 10, 10));
        var counts = Reference.ScoreHistogram.Counts;
        var edges = Reference.ScoreHistogram.Edges;
        for (int i = 0; i < counts.Length; i++)
            for (long c = 0; c < counts[i]; c++)
                tracker.Record(i == counts.Length - 1 && c % 2 == 0 ? 1.0 : (edges[i] + edges[i + 1]) / 2, false);
        var s = tracker.Snapshot();
        Assert.Equal(0, s.Psi, 12);
        Assert.Equal(0, s.KsStatistic, 12);
        Assert.Equal(0, s.WassersteinNormalized, 12);
    }

    [Fact]
    public void Too_few_requests_report_insufficient_data()
    {
        var tracker = new ProbeDriftTracker("p", Reference, DriftWindow.ByCount(2000, 10, 200));
        var rng = new Random(3);
        foreach (var r in DriftScenario.InDistribution().Sample(rng, 199)) tracker.Record(r.Probability, r.Decision, r.MahalanobisSquared, r.Latents);
        var s = tracker.Snapshot();
        Assert.False(s.IsSufficient);
        Assert.Equal(199, s.WindowCount);
        Assert.True(double.IsNaN(s.Psi) && double.IsNaN(s.KsStatistic) && double.IsNaN(s.OodShare) && double.IsNaN(s.LatentFiringPsi));
        Assert.True(double.IsNaN(TransferRisk.Combine(s)));
        var r200 = DriftScenario.InDistribution().Next(rng);
        tracker.Record(r200.Probability, r200.Decision, r200.MahalanobisSquared, r200.Latents);
        Assert.True(tracker.Snapshot().IsSufficient);
        Assert.False(double.IsNaN(TransferRisk.Combine(tracker.Snapshot())));
    }

    [Fact]
    public void Signals_without_their_inputs_are_not_measured()
    {
        // A dense probe without a covariance model: no OOD share, no latent drift, but score drift is measured.
        var dense = DriftScenario.Reference(DriftScenario.InDistribution().Sample(new Random(4), 5000), withCovariance: false, withLatents: false);
        var tracker = new ProbeDriftTracker("dense", dense, DriftWindow.ByCount(1000, 10, 100));
        Assert.Equal(0, tracker.LatentCount);
        Assert.True(double.IsNaN(tracker.OodThreshold));
        foreach (var r in DriftScenario.InDistribution().Sample(new Random(5), 500)) tracker.Record(r.Probability, r.Decision, r.MahalanobisSquared);
        var s = tracker.Snapshot();
        Assert.Equal(0, s.DistanceCount);
        Assert.True(double.IsNaN(s.OodShare) && double.IsNaN(s.LatentFiringPsi) && s.WindowLatentFiringRates is null);
        Assert.False(double.IsNaN(s.Psi));
        var assessment = TransferRisk.Assess(s);
        Assert.True(double.IsNaN(assessment.ActivationOod) && double.IsNaN(assessment.LatentFiring) && double.IsNaN(assessment.Disagreement));
        Assert.Equal(assessment.ScoreShift, assessment.Risk, 15);
    }

    [Fact]
    public void Recording_does_not_allocate()
    {
        var tracker = new ProbeDriftTracker("p", Reference, DriftWindow.ByCount(500, 10, 10));
        var requests = DriftScenario.Shifted().Sample(new Random(8), 64);
        void RecordAll(int rounds)
        {
            for (int round = 0; round < rounds; round++)
                foreach (var r in requests) tracker.Record(r.Probability, r.Decision, r.MahalanobisSquared, r.Latents);
        }
        RecordAll(20); // warm up, and turn the ring over
        long before = GC.GetAllocatedBytesForCurrentThread();
        RecordAll(50); // 3,200 records, 64 sub-window turnovers
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Wrong_latent_count_is_refused()
    {
        var tracker = new ProbeDriftTracker("sae-x", Reference, DriftWindow.ByCount());
        var e = Assert.Throws<ArgumentException>(() => tracker.Record(0.5, true, 1.0, new float[3]));
        Assert.Contains("sae-x", e.Message);
        Assert.Contains("4 latents", e.Message);
    }

    [Fact]
    public void Concurrent_records_are_all_counted()
    {
        const int threads = 4, perThread = 5000;
        var tracker = new ProbeDriftTracker("p", Reference, DriftWindow.ByCount(threads * perThread, 10, 100));
        var samples = Enumerable.Range(0, threads).Select(t => DriftScenario.Shifted().Sample(new Random(100 + t), perThread)).ToArray();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            foreach (var r in samples[t]) tracker.Record(r.Probability, r.Decision, r.MahalanobisSquared, r.Latents);
        });
        var s = tracker.Snapshot();
        var all = samples.SelectMany(x => x).ToArray();
        Assert.Equal(all.Length, s.WindowCount);
        Assert.Equal(all.Count(r => r.Decision) / (double)all.Length, s.WindowPositiveRate, 12);
        Assert.Equal(all.Count(r => r.MahalanobisSquared > Reference.Covariance!.MahalanobisSquaredP99), s.OodCount);
        for (int j = 0; j < 4; j++)
            Assert.Equal(all.Count(r => r.Latents[j] > 0) / (double)all.Length, s.WindowLatentFiringRates![j], 12);
        var counts = new long[new BinEdges(DriftScenario.Edges).BinCount];
        DriftScenario.NumpyHistogram(all.Select(r => r.Probability), DriftScenario.Edges).CopyTo(counts, 1);
        var refCounts = new long[counts.Length];
        Reference.ScoreHistogram.Counts.CopyTo(refCounts, 1);
        var edges = new BinEdges(DriftScenario.Edges);
        Assert.Equal(PopulationStability.Index(new HistogramCounts(edges, refCounts), new HistogramCounts(edges, counts)), s.Psi, 12);
    }
}
