using ProbeMonitor.Monitoring;
using ProbeMonitor.Probes;
using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>An immutable set of loaded probes: by id, grouped by task, with the SAE–dense pairs whose disagreement is tracked.</summary>
/// <remarks>
/// Built by <see cref="Build"/>, which checks that all probes of one model read the same hook, layer and d_model (one
/// forward pass serves them all) and rejects those that do not. A reload builds a new set and swaps it in whole, so
/// a request scores against one consistent set. Probes whose bundle did not change keep their drift trackers across reloads.
/// </remarks>
public sealed class ProbeSet
{
    private readonly Dictionary<string, LoadedProbe> _byId;

    private ProbeSet(IReadOnlyList<LoadedProbe> probes, IReadOnlyList<TaskDisagreementTracker> pairs, ProbeScoringOptions options)
    {
        Probes = probes;
        _byId = probes.ToDictionary(p => p.Id, StringComparer.Ordinal);
        ByTask = probes.GroupBy(p => p.Task, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<LoadedProbe>)g.ToList(), StringComparer.Ordinal);
        DisagreementPairs = pairs;
        Options = options;
        PairIndices = PairsAmong(pairs, probes);
    }

    /// <summary>A set with no probes.</summary>
    public static ProbeSet Empty { get; } = new([], [], ProbeScoringOptions.Default);

    /// <summary>The probes, in ordinal id order.</summary>
    public IReadOnlyList<LoadedProbe> Probes { get; }

    /// <summary>The probes of each task.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LoadedProbe>> ByTask { get; }

    /// <summary>One tracker per (SAE probe, dense probe) pair of the same task and model.</summary>
    public IReadOnlyList<TaskDisagreementTracker> DisagreementPairs { get; }

    /// <summary>The disagreement pairs with the positions of their SAE and dense probes in <see cref="Probes"/>.</summary>
    internal IReadOnlyList<(TaskDisagreementTracker Tracker, int Sae, int Dense)> PairIndices { get; }

    /// <summary>The options the set was built with.</summary>
    public ProbeScoringOptions Options { get; }

    /// <summary>How many probes are loaded.</summary>
    public int Count => Probes.Count;

    /// <summary>The ids of the loaded probes.</summary>
    public IReadOnlyCollection<string> Ids => _byId.Keys;

    /// <summary>The distinct poolings the probes read, i.e. what a forward pass must produce for them.</summary>
    public IReadOnlySet<Pooling> Poolings(IEnumerable<LoadedProbe>? probes = null) => (probes ?? Probes).Select(p => p.Model.Pooling).ToHashSet();

    /// <summary>Looks up a probe by id.</summary>
    public bool TryGet(string probeId, out LoadedProbe probe) => _byId.TryGetValue(probeId, out probe!);

    /// <summary>The probe with id <paramref name="probeId"/>.</summary>
    /// <exception cref="UnknownProbeException">No such probe is loaded.</exception>
    public LoadedProbe Get(string probeId) =>
        _byId.TryGetValue(probeId, out var p) ? p : throw new UnknownProbeException([probeId], Ids);

    /// <summary>The probes named by <paramref name="probeIds"/> (each once, in the order given), or all when null or empty.</summary>
    /// <exception cref="UnknownProbeException">Any id is not loaded; the exception lists all of them.</exception>
    public IReadOnlyList<LoadedProbe> Select(IReadOnlyList<string>? probeIds)
    {
        if (probeIds is null || probeIds.Count == 0) return Probes;
        var selected = new List<LoadedProbe>(probeIds.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        List<string>? unknown = null;
        foreach (var id in probeIds)
        {
            if (!seen.Add(id)) continue;
            if (_byId.TryGetValue(id, out var p)) selected.Add(p);
            else (unknown ??= []).Add(id);
        }
        if (unknown is not null) throw new UnknownProbeException(unknown, Ids);
        return selected;
    }

    /// <summary>Every probe's drift snapshot (with its SAE–dense disagreement, the largest over its pairs) and transfer risk.</summary>
    public IReadOnlyList<ProbeDriftStatus> DriftStatus()
    {
        var pairs = DisagreementPairs.Select(t => t.Snapshot()).ToList();
        var result = new List<ProbeDriftStatus>(Probes.Count);
        foreach (var p in Probes)
        {
            var snapshot = p.Drift.Snapshot();
            var worst = pairs.Where(d => (d.SaeProbeId == p.Id || d.DenseProbeId == p.Id) && d.IsSufficient)
                .MaxBy(d => d.DisagreementRate);
            if (worst is not null) snapshot = snapshot.WithDisagreement(worst);
            result.Add(new ProbeDriftStatus(p.Id, p.Task, p.Kind, snapshot, TransferRisk.Assess(snapshot, Options.Risk)));
        }
        return result;
    }

    /// <summary>Builds a set from loaded bundles, rejecting those inconsistent with the other probes of their model.</summary>
    /// <param name="bundles">Bundles with distinct probe ids (as <see cref="BundleDirectory.LoadAll"/> returns them).</param>
    /// <param name="options">Drift window and risk thresholds.</param>
    /// <param name="previous">The set being replaced: probes whose manifest and weights are unchanged keep their state (drift windows).</param>
    public static ProbeSetBuild Build(IEnumerable<ProbeBundle> bundles, ProbeScoringOptions options, ProbeSet? previous = null)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<BundleLoadError>();
        var warnings = new List<string>();
        var accepted = new List<ProbeBundle>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var modelGroup in bundles.GroupBy(b => b.Manifest.Model.Id, StringComparer.Ordinal))
        {
            var members = modelGroup.OrderBy(b => b.ProbeId, StringComparer.Ordinal).ToList();
            // The location most probes read wins; a tie goes to the first probe by id.
            var anchor = members.GroupBy(Location).OrderByDescending(g => g.Count()).ThenBy(g => g.First().ProbeId, StringComparer.Ordinal).First().Key;
            foreach (var b in members)
            {
                if (!seen.Add(b.ProbeId))
                    errors.Add(new BundleLoadError(b.DirectoryPath, $"probe_id '{b.ProbeId}' is used by another bundle"));
                else if (Location(b) != anchor)
                    errors.Add(new BundleLoadError(b.DirectoryPath,
                        $"probe '{b.ProbeId}' reads {Describe(Location(b))} of model '{modelGroup.Key}' but the other probes of that model read {Describe(anchor)}; one forward pass must serve them all"));
                else
                    accepted.Add(b);
            }
        }

        var probes = accepted.OrderBy(b => b.ProbeId, StringComparer.Ordinal).Select(b => Reuse(previous, b, options) ?? new LoadedProbe(b, options.Window)).ToList();
        warnings.AddRange(probes.Where(p => p.OodModelProblem is not null).Select(p => p.OodModelProblem!));
        var pairs = Pairs(probes, options, previous);
        return new ProbeSetBuild(new ProbeSet(probes, pairs, options), errors, warnings);
    }

    /// <summary>The pairs of <paramref name="pairs"/> whose two probes are both among <paramref name="probes"/>, with their positions there.</summary>
    internal static IReadOnlyList<(TaskDisagreementTracker Tracker, int Sae, int Dense)> PairsAmong(
        IReadOnlyList<TaskDisagreementTracker> pairs, IReadOnlyList<LoadedProbe> probes)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < probes.Count; i++) index[probes[i].Id] = i;
        var found = new List<(TaskDisagreementTracker, int, int)>();
        foreach (var t in pairs)
            if (index.TryGetValue(t.SaeProbeId, out int s) && index.TryGetValue(t.DenseProbeId, out int d))
                found.Add((t, s, d));
        return found.ToArray();
    }

    private static (int Layer, string Hook, int DModel) Location(ProbeBundle b) => (b.Manifest.Model.Layer, b.Manifest.Model.HookName, b.Manifest.Model.DModel);

    private static string Describe((int Layer, string Hook, int DModel) at) => $"{at.Hook} (layer {at.Layer}, d_model {at.DModel})";

    private static LoadedProbe? Reuse(ProbeSet? previous, ProbeBundle bundle, ProbeScoringOptions options)
    {
        if (previous is null || !previous.TryGet(bundle.ProbeId, out var old)) return null;
        if (previous.Options.Window != options.Window) return null;
        if (!ReferenceEquals(old.Bundle, bundle) &&
            !ProbeManifestJson.Serialize(old.Bundle.Manifest).AsSpan().SequenceEqual(ProbeManifestJson.Serialize(bundle.Manifest)))
            return null; // the manifest carries the weights' SHA-256, so equal manifests mean equal weights
        return old;
    }

    private static List<TaskDisagreementTracker> Pairs(List<LoadedProbe> probes, ProbeScoringOptions options, ProbeSet? previous)
    {
        var pairs = new List<TaskDisagreementTracker>();
        foreach (var task in probes.GroupBy(p => (p.Task, p.Model.Id)))
            foreach (var sae in task.Where(p => p.Kind == ProbeKind.Sae))
                foreach (var dense in task.Where(p => p.Kind == ProbeKind.Dense))
                {
                    var kept = previous?.DisagreementPairs.FirstOrDefault(t => t.SaeProbeId == sae.Id && t.DenseProbeId == dense.Id);
                    bool unchanged = kept is not null && previous!.TryGet(sae.Id, out var s) && ReferenceEquals(s, sae)
                        && previous.TryGet(dense.Id, out var d) && ReferenceEquals(d, dense);
                    pairs.Add(unchanged ? kept! : new TaskDisagreementTracker(sae.Task, sae.Id, dense.Id, options.Window));
                }
        return pairs;
    }
}

/// <summary>The outcome of <see cref="ProbeSet.Build"/>: the set, the bundles rejected, and problems that did not stop a probe from loading.</summary>
public sealed record ProbeSetBuild(ProbeSet Set, IReadOnlyList<BundleLoadError> Errors, IReadOnlyList<string> Warnings);
