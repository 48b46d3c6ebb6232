using System.Buffers;
using ProbeMonitor.Probes;
using ProbeMonitor.Statistics.Drift;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>Scores batches of pooled activations with the loaded probes: logit → calibrated probability → decision, plus drift.</summary>
/// <remarks>
/// Each call takes the probe set once, so a reload in the middle of a batch does not mix sets. For every probe the batch
/// is one GEMM, and so are the per-request Mahalanobis distances of every probe with a covariance model (computed once
/// per distinct reference, see <see cref="BatchedMahalanobis"/>). Unless the options
/// say otherwise every scored request is recorded in its probe's drift window and in the SAE–dense pair trackers.
/// Thread-safe: probes are immutable and the trackers are concurrent.
/// </remarks>
public sealed class ProbeScorer
{
    private readonly Func<ProbeSet> _probes;

    /// <summary>A scorer over whatever set <paramref name="registry"/> serves at each call.</summary>
    public ProbeScorer(ProbeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _probes = () => registry.Current;
    }

    /// <summary>A scorer over a fixed set or any other source of sets.</summary>
    public ProbeScorer(Func<ProbeSet> probes) => _probes = probes ?? throw new ArgumentNullException(nameof(probes));

    /// <summary>Scores every row of <paramref name="batch"/> with the selected probes.</summary>
    /// <exception cref="UnknownProbeException">A requested probe is not loaded.</exception>
    /// <exception cref="InvalidActivationsException">The activations do not fit a selected probe (width, layer, pooling).</exception>
    public BatchScores Score(PooledBatch batch, ScoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        options ??= ScoreOptions.Default;
        if (options.ExplainTopK < 1) throw new ArgumentOutOfRangeException(nameof(options), options.ExplainTopK, "ExplainTopK must be at least 1.");
        var set = _probes();
        var probes = set.Select(options.ProbeIds);
        if (probes.Count == 0) throw new UnknownProbeException([], set.Ids);
        foreach (var p in probes) CheckFits(p, batch);

        int n = batch.Rows;
        var perProbe = new ScoredProbe[probes.Count][];
        var distances = new Dictionary<(string, Probes.Bundles.Pooling), double[]>();
        for (int i = 0; i < probes.Count; i++) perProbe[i] = ScoreProbe(probes[i], batch, options, distances);

        var pairs = PairsAmong(set, probes);
        if (options.RecordDrift)
            foreach (var (tracker, s, d) in pairs)
                for (int r = 0; r < n; r++)
                    tracker.Record(perProbe[s][r].Decision, perProbe[d][r].Decision, perProbe[s][r].Probability, perProbe[d][r].Probability);

        var requests = new RequestScores[n];
        for (int r = 0; r < n; r++)
        {
            var scores = new ScoredProbe[probes.Count];
            for (int i = 0; i < probes.Count; i++) scores[i] = perProbe[i][r];
            requests[r] = new RequestScores(scores, RequestDriftOf(probes, scores, pairs));
        }
        return new BatchScores(probes.Select(p => p.Id).ToList(), requests);
    }

    private static void CheckFits(LoadedProbe p, PooledBatch batch)
    {
        if (batch.Dim != p.Model.DModel)
            throw new InvalidActivationsException($"Probe '{p.Id}' reads d_model {p.Model.DModel} activations but the batch rows hold {batch.Dim} values.");
        if (batch.Layer is { } layer && layer != p.Model.Layer)
            throw new InvalidActivationsException($"Probe '{p.Id}' reads layer {p.Model.Layer} ({p.Model.HookName}) but the activations come from layer {layer}.");
        batch.For(p.Model.Pooling, p.Id); // throws when the batch lacks the probe's pooling
    }

    /// <param name="distances">d² of the batch rows by (reference fingerprint, pooling), shared by probes with the same reference.</param>
    private static ScoredProbe[] ScoreProbe(LoadedProbe p, PooledBatch batch, ScoreOptions options, Dictionary<(string, Probes.Bundles.Pooling), double[]> distances)
    {
        int n = batch.Rows, d = batch.Dim;
        var x = batch.For(p.Model.Pooling, p.Id).Span;
        var sae = p.SaeProbe;
        int k = sae?.LatentCount ?? 0;
        var logits = ArrayPool<float>.Shared.Rent(Math.Max(n, 1));
        var latents = k > 0 ? ArrayPool<float>.Shared.Rent(Math.Max(n * k, 1)) : null;
        try
        {
            if (sae is not null) sae.ScoreLogits(x, n, logits.AsSpan(0, n), latents.AsSpan(0, n * k));
            else p.Probe.ScoreLogits(x, n, logits.AsSpan(0, n));

            double[]? rowDistances = null;
            if (p.OodBatch is { } batchOod && !distances.TryGetValue((batchOod.Fingerprint, p.Model.Pooling), out rowDistances))
            {
                rowDistances = new double[n];
                batchOod.DistanceSquared(x[..(n * d)], n, rowDistances);
                distances[(batchOod.Fingerprint, p.Model.Pooling)] = rowDistances;
            }
            var results = new ScoredProbe[n];
            for (int r = 0; r < n; r++)
            {
                float logit = logits[r];
                double probability = p.Calibrate(logit);
                bool decision = probability >= p.Threshold;
                double? d2 = rowDistances is not null ? rowDistances[r] : null;
                bool? ood = d2 is { } v ? v > p.OodModel!.TrainingQuantile99 : null;
                var rowLatents = latents is null ? ReadOnlySpan<float>.Empty : latents.AsSpan(r * k, k);
                if (options.RecordDrift) p.Drift.Record(probability, decision, d2, rowLatents);
                var explanation = options.Explain && sae is not null ? Explain(p, sae, rowLatents, options.ExplainTopK) : null;
                results[r] = new ScoredProbe(p.Id, p.Task, p.Kind, logit, probability, decision, p.Threshold, d2, ood, explanation);
            }
            return results;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(logits);
            if (latents is not null) ArrayPool<float>.Shared.Return(latents);
        }
    }

    /// <summary>The firing latents ordered by |effect on the logit|, largest first, at most <paramref name="topK"/>.</summary>
    private static FiringLatent[] Explain(LoadedProbe p, SaeProbe sae, ReadOnlySpan<float> latents, int topK)
    {
        var parameters = sae.Parameters;
        var weights = p.ExplainWeights!;
        var firing = new List<FiringLatent>();
        for (int j = 0; j < latents.Length; j++)
        {
            float a = latents[j];
            if (!(a > 0f)) continue;
            double feature = parameters.Binarize ? 1.0 : a;
            firing.Add(new FiringLatent(parameters.LatentIds[j], a, a - parameters.Thresholds[j], weights[j] * feature));
        }
        return firing.OrderByDescending(f => Math.Abs(f.Contribution)).ThenBy(f => f.LatentId).Take(topK).ToArray();
    }

    private static List<(Monitoring.TaskDisagreementTracker Tracker, int Sae, int Dense)> PairsAmong(ProbeSet set, IReadOnlyList<LoadedProbe> probes)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < probes.Count; i++) index[probes[i].Id] = i;
        var pairs = new List<(Monitoring.TaskDisagreementTracker, int, int)>();
        foreach (var t in set.DisagreementPairs)
            if (index.TryGetValue(t.SaeProbeId, out int s) && index.TryGetValue(t.DenseProbeId, out int d))
                pairs.Add((t, s, d));
        return pairs;
    }

    private static RequestDrift RequestDriftOf(IReadOnlyList<LoadedProbe> probes, ScoredProbe[] scores,
        List<(Monitoring.TaskDisagreementTracker Tracker, int Sae, int Dense)> pairs)
    {
        // The activation is judged against the reference it sits furthest outside, relative to that reference's own 99th percentile.
        int worst = -1;
        double worstRatio = double.NegativeInfinity;
        for (int i = 0; i < probes.Count; i++)
        {
            if (scores[i].MahalanobisSquared is not { } d2) continue;
            double p99 = probes[i].OodModel!.TrainingQuantile99;
            double ratio = p99 > 0 ? d2 / p99 : d2 > 0 ? double.PositiveInfinity : 0;
            if (ratio > worstRatio) (worst, worstRatio) = (i, ratio);
        }
        double? gap = null;
        bool disagree = false;
        foreach (var (_, s, d) in pairs)
        {
            double g = Math.Abs(scores[s].Probability - scores[d].Probability);
            gap = gap is { } seen ? Math.Max(seen, g) : g;
            disagree |= scores[s].Decision != scores[d].Decision;
        }
        if (worst < 0) return new RequestDrift(null, null, false, null, gap, disagree);
        double worstD2 = scores[worst].MahalanobisSquared!.Value;
        return new RequestDrift(worstD2, Math.Sqrt(worstD2), scores[worst].IsOod == true, probes[worst].Id, gap, disagree);
    }
}
