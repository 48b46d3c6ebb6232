using System.Buffers;
using ProbeMonitor.Kernels;
using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Statistics.Drift;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>Scores batches of pooled activations with the loaded probes: logit → calibrated probability → decision, plus drift.</summary>
/// <remarks>
/// Each call takes the probe set once, so a reload in the middle of a batch does not mix sets. For every probe the batch
/// is one GEMM, and so are the per-request Mahalanobis distances of every probe with a covariance model (computed once
/// per distinct reference, see <see cref="BatchedMahalanobis"/>). Unless the options
/// say otherwise every scored request is recorded in its probe's drift window and in the SAE–dense pair trackers, a batch
/// at a time. The GEMMs stay on the calling thread (see <see cref="GemmThreading"/>).
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

        int n = batch.Rows, count = probes.Count;
        var perProbe = new ScoredProbe[count][];
        var distances = new List<(string Fingerprint, Pooling Pooling, double[] Values)>(1);
        // A scoring call is one batch on one core: splitting its GEMMs across cores would only repack A once per task.
        using (GemmThreading.OnCallingThread())
            for (int i = 0; i < count; i++) perProbe[i] = ScoreProbe(probes[i], batch, options, distances);

        var pairs = ReferenceEquals(probes, set.Probes) ? set.PairIndices : ProbeSet.PairsAmong(set.DisagreementPairs, probes);
        if (options.RecordDrift && n > 0)
            for (int i = 0; i < pairs.Count; i++) RecordPair(pairs[i].Tracker, perProbe[pairs[i].Sae], perProbe[pairs[i].Dense]);

        var requests = new RequestScores[n];
        for (int r = 0; r < n; r++)
        {
            var scores = new ScoredProbe[count];
            for (int i = 0; i < count; i++) scores[i] = perProbe[i][r];
            requests[r] = new RequestScores(scores, RequestDriftOf(probes, scores, pairs));
        }
        var ids = new string[count];
        for (int i = 0; i < count; i++) ids[i] = probes[i].Id;
        return new BatchScores(ids, requests);
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
    private static ScoredProbe[] ScoreProbe(LoadedProbe p, PooledBatch batch, ScoreOptions options, List<(string Fingerprint, Pooling Pooling, double[] Values)> distances)
    {
        int n = batch.Rows, d = batch.Dim;
        var x = batch.For(p.Model.Pooling, p.Id).Span;
        var sae = p.SaeProbe;
        int k = sae?.LatentCount ?? 0;
        var logits = ArrayPool<float>.Shared.Rent(Math.Max(n, 1));
        var latents = k > 0 ? ArrayPool<float>.Shared.Rent(Math.Max(n * k, 1)) : null;
        var probabilities = ArrayPool<double>.Shared.Rent(Math.Max(n, 1));
        var decisions = ArrayPool<bool>.Shared.Rent(Math.Max(n, 1));
        try
        {
            if (sae is not null) sae.ScoreLogits(x, n, logits.AsSpan(0, n), latents.AsSpan(0, n * k));
            else p.Probe.ScoreLogits(x, n, logits.AsSpan(0, n));

            double[]? rowDistances = null;
            if (p.OodBatch is { } batchOod)
            {
                foreach (var (fingerprint, pooling, values) in distances)
                    if (pooling == p.Model.Pooling && fingerprint == batchOod.Fingerprint) rowDistances = values;
                if (rowDistances is null)
                {
                    rowDistances = new double[n];
                    batchOod.DistanceSquared(x[..(n * d)], n, rowDistances);
                    distances.Add((batchOod.Fingerprint, p.Model.Pooling, rowDistances));
                }
            }
            double p99 = p.OodModel?.TrainingQuantile99 ?? double.NaN;
            var results = new ScoredProbe[n];
            for (int r = 0; r < n; r++)
            {
                float logit = logits[r];
                double probability = p.Calibrate(logit);
                bool decision = probability >= p.Threshold;
                (probabilities[r], decisions[r]) = (probability, decision);
                double? d2 = rowDistances is not null ? rowDistances[r] : null;
                bool? ood = d2 is { } v ? v > p99 : null;
                var explanation = options.Explain && sae is not null ? Explain(p, sae, latents.AsSpan(r * k, k), options.ExplainTopK) : null;
                results[r] = new ScoredProbe(p.Id, p.Task, p.Kind, logit, probability, decision, p.Threshold, d2, ood, explanation);
            }
            if (options.RecordDrift)
                p.Drift.RecordBatch(probabilities.AsSpan(0, n), decisions.AsSpan(0, n), rowDistances, latents is null ? default : latents.AsSpan(0, n * k));
            return results;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(logits);
            if (latents is not null) ArrayPool<float>.Shared.Return(latents);
            ArrayPool<double>.Shared.Return(probabilities);
            ArrayPool<bool>.Shared.Return(decisions);
        }
    }

    private static void RecordPair(Monitoring.TaskDisagreementTracker tracker, ScoredProbe[] sae, ScoredProbe[] dense)
    {
        int n = sae.Length;
        var probabilities = ArrayPool<double>.Shared.Rent(2 * n);
        var decisions = ArrayPool<bool>.Shared.Rent(2 * n);
        try
        {
            for (int r = 0; r < n; r++)
            {
                (probabilities[r], probabilities[n + r]) = (sae[r].Probability, dense[r].Probability);
                (decisions[r], decisions[n + r]) = (sae[r].Decision, dense[r].Decision);
            }
            tracker.RecordBatch(decisions.AsSpan(0, n), decisions.AsSpan(n, n), probabilities.AsSpan(0, n), probabilities.AsSpan(n, n));
        }
        finally
        {
            ArrayPool<double>.Shared.Return(probabilities);
            ArrayPool<bool>.Shared.Return(decisions);
        }
    }

    /// <summary>The firing latents ordered by |effect on the logit|, largest first (ties by latent id), at most <paramref name="topK"/>.</summary>
    /// <remarks>A partial selection over the k latents: only the latents reported are materialised (k is small, tens).</remarks>
    private static FiringLatent[] Explain(LoadedProbe p, SaeProbe sae, ReadOnlySpan<float> latents, int topK)
    {
        var parameters = sae.Parameters;
        var weights = p.ExplainWeights!;
        int[]? rented = latents.Length > 256 ? ArrayPool<int>.Shared.Rent(latents.Length) : null;
        var firing = rented is null ? stackalloc int[latents.Length] : rented.AsSpan(0, latents.Length);
        try
        {
            int count = 0;
            for (int j = 0; j < latents.Length; j++)
                if (latents[j] > 0f) firing[count++] = j;
            bool binarize = parameters.Binarize;
            static double Effect(double weight, bool binarize, float activation) => weight * (binarize ? 1.0 : activation);
            var result = new FiringLatent[Math.Min(topK, count)];
            for (int t = 0; t < result.Length; t++)
            {
                int best = t;
                for (int i = t + 1; i < count; i++)
                {
                    int ji = firing[i], jb = firing[best];
                    double a = Math.Abs(Effect(weights[ji], binarize, latents[ji])), b = Math.Abs(Effect(weights[jb], binarize, latents[jb]));
                    if (a > b || (a == b && parameters.LatentIds[firing[i]] < parameters.LatentIds[firing[best]])) best = i;
                }
                (firing[t], firing[best]) = (firing[best], firing[t]);
                int j = firing[t];
                result[t] = new FiringLatent(parameters.LatentIds[j], latents[j], latents[j] - parameters.Thresholds[j], Effect(weights[j], binarize, latents[j]));
            }
            return result;
        }
        finally
        {
            if (rented is not null) ArrayPool<int>.Shared.Return(rented);
        }
    }

    private static RequestDrift RequestDriftOf(IReadOnlyList<LoadedProbe> probes, ScoredProbe[] scores,
        IReadOnlyList<(Monitoring.TaskDisagreementTracker Tracker, int Sae, int Dense)> pairs)
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
        for (int i = 0; i < pairs.Count; i++)
        {
            var (_, s, d) = pairs[i];
            double g = Math.Abs(scores[s].Probability - scores[d].Probability);
            gap = gap is { } seen ? Math.Max(seen, g) : g;
            disagree |= scores[s].Decision != scores[d].Decision;
        }
        if (worst < 0) return new RequestDrift(null, null, false, null, gap, disagree);
        double worstD2 = scores[worst].MahalanobisSquared!.Value;
        return new RequestDrift(worstD2, Math.Sqrt(worstD2), scores[worst].IsOod == true, probes[worst].Id, gap, disagree);
    }
}
