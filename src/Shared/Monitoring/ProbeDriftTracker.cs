using System.Buffers;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Statistics.Drift;

namespace ProbeMonitor.Monitoring;

/// <summary>Tracks one probe's live traffic over a sliding window and measures its transfer drift against the bundle's reference statistics.</summary>
/// <remarks>
/// <para>
/// Each <see cref="Record"/> bumps a handful of counters (request, decision, score bin, OOD flag, latent firings) in the
/// window's current sub-window: thread-safe, lock-free except at a sub-window boundary, and allocation-free.
/// <see cref="RecordBatch"/> sums a batch's counts first and adds each touched counter once.
/// <see cref="Snapshot"/> sums the window and computes the signals with the Statistics.Drift functions.
/// </para>
/// <para>
/// Scores are binned over the reference histogram's edges. The reference counts only its interior bins and, like
/// numpy.histogram, puts a value equal to the last edge into the last bin, so the window does the same; values outside
/// the edges land in under/overflow bins the reference has empty, which the PSI's smoothing turns into a large but finite term.
/// </para>
/// <para>
/// A request is "OOD" when its squared Mahalanobis distance d² exceeds the reference's <c>mahalanobis_squared_p99</c>, which this
/// class reads as the 99th percentile of d² (what <see cref="LowRankGaussian.TrainingQuantile99"/> holds), so about 1% of
/// in-distribution requests exceed it. A latent "fires" when its activation is above zero, as in the reference rates.
/// </para>
/// </remarks>
public sealed class ProbeDriftTracker
{
    // Denominators first: SlidingWindowCounters reads from the last counter to the first, so no ratio exceeds 1.
    private const int StackCounters = 1024;
    private const int Requests = 0, LatentRecords = 1, DistanceRecords = 2, Positives = 3, OodRecords = 4, NaNScores = 5, FirstScoreBin = 6;
    private readonly SlidingWindowCounters _counters;
    private readonly BinEdges _edges;
    private readonly HistogramCounts? _referenceScores;
    private readonly double _lastEdge;
    private readonly int _firstLatent;
    private readonly double _oodThreshold;

    /// <summary>A tracker against <paramref name="reference"/> over <paramref name="window"/>.</summary>
    /// <param name="probeId">The probe, for error messages.</param>
    /// <param name="reference">The bundle's reference statistics.</param>
    /// <param name="window">The sliding window.</param>
    public ProbeDriftTracker(string probeId, ReferenceStatistics reference, DriftWindow window)
    {
        ArgumentException.ThrowIfNullOrEmpty(probeId);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(window);
        ProbeId = probeId;
        Reference = reference;
        Window = window;
        var histogram = reference.ScoreHistogram;
        if (histogram.Edges.Length < 2 || histogram.Counts.Length != histogram.Edges.Length - 1)
            throw new ArgumentException(
                $"Probe '{probeId}': the reference score histogram has {histogram.Edges.Length} edges and {histogram.Counts.Length} counts; it needs n + 1 edges for n counts.",
                nameof(reference));
        _edges = new BinEdges(histogram.Edges);
        _lastEdge = histogram.Edges[^1];
        var counts = new long[_edges.BinCount]; // under- and overflow stay empty
        histogram.Counts.AsSpan().CopyTo(counts.AsSpan(1));
        var referenceScores = new HistogramCounts(_edges, counts);
        _referenceScores = referenceScores.Total > 0 ? referenceScores : null;
        LatentCount = reference.LatentFiringRates?.Length ?? 0;
        _firstLatent = FirstScoreBin + _edges.BinCount;
        _oodThreshold = reference.Covariance?.MahalanobisSquaredP99 ?? double.NaN;
        _counters = new SlidingWindowCounters(_firstLatent + LatentCount, window);
    }

    /// <summary>The probe tracked.</summary>
    public string ProbeId { get; }

    /// <summary>The reference the window is compared with.</summary>
    public ReferenceStatistics Reference { get; }

    /// <summary>The window.</summary>
    public DriftWindow Window { get; }

    /// <summary>k, the SAE latents whose firing is tracked (0 for a dense probe).</summary>
    public int LatentCount { get; }

    /// <summary>The d² above which a request counts as out of distribution (NaN when the bundle has no covariance model).</summary>
    public double OodThreshold => _oodThreshold;

    /// <summary>Records one scored request.</summary>
    /// <param name="probability">The calibrated probability (NaN is counted as a request but kept out of the score histogram).</param>
    /// <param name="decision">Whether the probe flagged the request.</param>
    /// <param name="mahalanobisSquared">The request's squared Mahalanobis distance under the reference covariance, or null when not
    /// computed; ignored when the bundle has no covariance model.</param>
    /// <param name="latentActivations">The probe's k latent activations for an SAE probe, or empty when not available.</param>
    /// <exception cref="ArgumentException"><paramref name="latentActivations"/> is neither empty nor k long.</exception>
    public void Record(double probability, bool decision, double? mahalanobisSquared = null, ReadOnlySpan<float> latentActivations = default)
    {
        double d2 = mahalanobisSquared ?? double.NaN;
        RecordBatch(new ReadOnlySpan<double>(in probability), new ReadOnlySpan<bool>(in decision),
            mahalanobisSquared is null ? default : new ReadOnlySpan<double>(in d2), latentActivations);
    }

    /// <summary>Records n scored requests at once: the same counts as n calls of <see cref="Record"/> in order, with one
    /// interlocked add per touched counter (per sub-window the batch spans) instead of several per request.</summary>
    /// <param name="probabilities">The calibrated probabilities [n].</param>
    /// <param name="decisions">The decisions [n].</param>
    /// <param name="mahalanobisSquared">The squared Mahalanobis distances [n], or empty when not computed; a NaN entry counts as not computed.</param>
    /// <param name="latentActivations">The k latent activations of each request [n × k] for an SAE probe, or empty.</param>
    /// <exception cref="ArgumentException">A span's length does not fit n (and k).</exception>
    public void RecordBatch(ReadOnlySpan<double> probabilities, ReadOnlySpan<bool> decisions,
        ReadOnlySpan<double> mahalanobisSquared = default, ReadOnlySpan<float> latentActivations = default)
    {
        int n = probabilities.Length;
        if (decisions.Length != n)
            throw new ArgumentException($"Probe '{ProbeId}': {decisions.Length} decisions for {n} probabilities.", nameof(decisions));
        if (mahalanobisSquared.Length != 0 && mahalanobisSquared.Length != n)
            throw new ArgumentException($"Probe '{ProbeId}': {mahalanobisSquared.Length} distances for {n} requests.", nameof(mahalanobisSquared));
        if (latentActivations.Length != 0 && (LatentCount == 0 || latentActivations.Length != (long)n * LatentCount))
            throw new ArgumentException(
                $"Probe '{ProbeId}': {latentActivations.Length} latent activations given for {n} requests but the probe tracks {LatentCount} latents"
                + (n == 1 ? "." : $" ({n} × {LatentCount} are needed)."), nameof(latentActivations));
        if (n == 0) return;
        bool hasLatents = latentActivations.Length != 0;
        bool hasDistances = mahalanobisSquared.Length != 0 && !double.IsNaN(_oodThreshold);
        int k = LatentCount;

        long[]? rented = _counters.Counters > StackCounters ? ArrayPool<long>.Shared.Rent(_counters.Counters) : null;
        var amounts = rented is null ? stackalloc long[_counters.Counters] : rented.AsSpan(0, _counters.Counters);
        try
        {
            var run = _counters.StartRun(n);
            while (run.Next(out int start, out int length, out long epoch))
            {
                amounts.Clear();
                for (int r = start; r < start + length; r++)
                {
                    double probability = probabilities[r];
                    int bin = _edges.IndexOf(probability);
                    if (probability == _lastEdge) bin--;
                    amounts[Requests]++;
                    if (hasLatents) amounts[LatentRecords]++;
                    if (hasDistances && mahalanobisSquared[r] is var d2 && !double.IsNaN(d2))
                    {
                        amounts[DistanceRecords]++;
                        if (d2 > _oodThreshold) amounts[OodRecords]++;
                    }
                    if (decisions[r]) amounts[Positives]++;
                    amounts[bin < 0 ? NaNScores : FirstScoreBin + bin]++;
                    if (hasLatents)
                    {
                        var row = latentActivations.Slice(r * k, k);
                        var firings = amounts.Slice(_firstLatent, k);
                        for (int j = 0; j < k; j++)
                            if (row[j] > 0f) firings[j]++;
                    }
                }
                _counters.AddRun(epoch, amounts);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<long>.Shared.Return(rented);
        }
    }

    /// <summary>The drift signals over the current window; NaN signals where there is not enough data (see <see cref="DriftSnapshot"/>).</summary>
    public DriftSnapshot Snapshot()
    {
        var c = new long[_counters.Counters];
        _counters.Snapshot(c);
        long n = c[Requests];
        int min = Window.MinimumCount;
        double nan = double.NaN;
        var scoreCounts = c.AsSpan(FirstScoreBin, _edges.BinCount);
        long scored = 0;
        foreach (var v in scoreCounts) scored += v;
        if (n < min)
            return new DriftSnapshot(n, min, scored, nan, nan, nan, nan, nan, Reference.PositiveRate, nan, c[DistanceRecords], c[OodRecords],
                nan, nan, nan, c[LatentRecords], nan, nan, null);

        double psi = nan, ks = nan, ksP = nan, wasserstein = nan;
        if (_referenceScores is not null && scored > 0)
        {
            var current = new HistogramCounts(_edges, scoreCounts, c[NaNScores]);
            psi = PopulationStability.Index(_referenceScores, current);
            var test = KolmogorovSmirnov.BetweenHistograms(_referenceScores, current);
            (ks, ksP) = (test.Statistic, test.PValue);
            wasserstein = Wasserstein.NormalizedDistance(_referenceScores, current);
        }
        double positiveRate = (double)c[Positives] / n;

        double oodShare = nan, oodRatio = nan, oodExcess = nan;
        if (c[DistanceRecords] >= min)
        {
            oodShare = (double)c[OodRecords] / c[DistanceRecords];
            oodRatio = oodShare / DriftSnapshot.ExpectedOodShare;
            oodExcess = Math.Max(0, oodShare - DriftSnapshot.ExpectedOodShare);
        }

        double meanAbs = nan, firingPsi = nan;
        double[]? rates = null;
        if (LatentCount > 0 && c[LatentRecords] >= min)
            (meanAbs, firingPsi, rates) = LatentFiringShift(c.AsSpan(_firstLatent, LatentCount), c[LatentRecords]);

        return new DriftSnapshot(n, min, scored, psi, ks, ksP, wasserstein, positiveRate, Reference.PositiveRate,
            Math.Abs(positiveRate - Reference.PositiveRate), c[DistanceRecords], c[OodRecords], oodShare, oodRatio, oodExcess,
            c[LatentRecords], meanAbs, firingPsi, rates);
    }

    private (double MeanAbs, double Psi, double[] Rates) LatentFiringShift(ReadOnlySpan<long> firings, long records)
    {
        var reference = Reference.LatentFiringRates!;
        var rates = new double[LatentCount];
        double absSum = 0, psiSum = 0;
        for (int j = 0; j < LatentCount; j++)
        {
            rates[j] = (double)firings[j] / records;
            double r = reference[j];
            absSum += Math.Abs(rates[j] - r);
            psiSum += PopulationStability.Index([r, 1 - r], [rates[j], 1 - rates[j]]);
        }
        return (absSum / LatentCount, psiSum / LatentCount, rates);
    }
}
