using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Protocol;
using WireKind = ProbeMonitor.Protocol.ProbeKind;

namespace ProbeMonitor.Monitor.Services;

/// <summary>Scoring results and loaded probes in their wire form (probemonitor.v1 messages).</summary>
public static class ScoreResponseMapper
{
    /// <summary>The response to one request: a score per probe, its drift signals, the model and layer, and the timings.</summary>
    /// <remarks>A drift signal that could not be measured (no covariance model, no SAE–dense pair among the probes) is NaN.</remarks>
    public static ScoreResponse Map(string requestId, IReadOnlyList<LoadedProbe> probes, RequestScores scores, Timings timings)
    {
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(scores);
        var response = new ScoreResponse
        {
            RequestId = requestId,
            Model = ModelIds(probes),
            Layer = probes.Count == 0 ? 0 : probes[0].Model.Layer,
            Timings = timings,
            Drift = new DriftSignals
            {
                ActivationOodScore = (float)(scores.Drift.ActivationOodScore ?? double.NaN),
                ActivationOod = scores.Drift.ActivationOod,
                SaeDenseDisagreement = (float)(scores.Drift.SaeDenseDisagreement ?? double.NaN),
            },
        };
        var all = scores.Scores;
        for (int i = 0; i < all.Count; i++)
        {
            var s = all[i];
            var score = new ProbeScore
            {
                ProbeId = s.ProbeId,
                Task = s.Task,
                Kind = Kind(s.Kind),
                Probability = (float)s.Probability,
                Decision = s.Decision,
                Logit = s.Logit,
                Threshold = (float)s.Threshold,
            };
            if (s.FiringLatents is { } latents)
                foreach (var l in latents)
                    score.FiringLatents.Add(new Protocol.FiringLatent { LatentId = l.LatentId, Activation = l.Activation, MarginOverThreshold = l.MarginOverThreshold });
            response.Scores.Add(score);
        }
        return response;
    }

    /// <summary>What ListProbes says about one loaded probe.</summary>
    public static ProbeInfo Describe(LoadedProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return new ProbeInfo
        {
            Id = probe.Id,
            Task = probe.Task,
            Kind = Kind(probe.Kind),
            Model = probe.Model.Id,
            Layer = probe.Model.Layer,
            HookName = probe.Model.HookName,
            DModel = probe.Model.DModel,
            Threshold = (float)probe.Threshold,
            CalibrationMethod = probe.Bundle.Manifest.Calibration.Method.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>The distinct model ids of the probes, comma-separated; without a join when they share one (the usual case).</summary>
    private static string ModelIds(IReadOnlyList<LoadedProbe> probes)
    {
        if (probes.Count == 0) return "";
        string first = probes[0].Model.Id;
        for (int i = 1; i < probes.Count; i++)
            if (!string.Equals(probes[i].Model.Id, first, StringComparison.Ordinal))
                return string.Join(",", probes.Select(p => p.Model.Id).Distinct(StringComparer.Ordinal));
        return first;
    }

    private static WireKind Kind(Probes.ProbeKind kind) => kind == Probes.ProbeKind.Sae ? WireKind.Sae : WireKind.Dense;
}
