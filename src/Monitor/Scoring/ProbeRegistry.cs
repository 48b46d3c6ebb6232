using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>Serves the current <see cref="ProbeSet"/> and reloads it from the probe directory, swapping atomically.</summary>
/// <remarks>
/// Readers take <see cref="Current"/> once per request and score against that set to the end, so requests in flight
/// finish on the set they started with. Reloads run one at a time. A reload that yields no usable probe at all (missing
/// directory, every bundle failing verification) keeps the old set in service and reports why; otherwise the new set,
/// possibly smaller, replaces it, and each bundle that failed is reported. A bundle that was being served and now fails
/// to load (tampered, half-copied) keeps its old version in service, reported as an error: a bad deploy of one bundle
/// must not silently switch its probe off. A bundle whose directory is gone is dropped.
/// </remarks>
public sealed class ProbeRegistry
{
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private ProbeSet _current = ProbeSet.Empty;

    /// <summary>A registry over <paramref name="directory"/> (null when none is configured); it serves the empty set until loaded.</summary>
    public ProbeRegistry(string? directory, ProbeScoringOptions? options = null)
    {
        Directory = string.IsNullOrWhiteSpace(directory) ? null : Path.GetFullPath(directory);
        Options = options ?? ProbeScoringOptions.Default;
    }

    /// <summary>The probe bundle directory (full path), or null.</summary>
    public string? Directory { get; }

    /// <summary>The drift options new probes get.</summary>
    public ProbeScoringOptions Options { get; }

    /// <summary>The set being served.</summary>
    public ProbeSet Current => Volatile.Read(ref _current);

    /// <summary>Loads every bundle in the directory and swaps the new set in, unless nothing usable loaded.</summary>
    public async Task<ProbeReloadResult> ReloadAsync(CancellationToken cancellationToken = default)
    {
        await _reloadGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(Reload, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    private ProbeReloadResult Reload()
    {
        var old = Current;
        if (Directory is null)
            return Keep(old, [new BundleLoadError("", "no probe directory is configured (set 'probes')")], []);

        BundleLoadResult loaded;
        try
        {
            loaded = BundleDirectory.LoadAll(Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Keep(old, [new BundleLoadError(Directory, e.Message)], []);
        }

        var (bundles, kept) = KeepServedVersions(old, loaded);
        var build = ProbeSet.Build(bundles, Options, old);
        var errors = loaded.Errors.Select(e => kept.Contains(e.Directory)
            ? e with { Message = $"{e.Message}; still serving the version loaded before" }
            : e).Concat(build.Errors).ToList();
        if (build.Set.Count == 0)
        {
            var why = errors.Count == 0 ? "it holds no probe bundles" : $"none of its {errors.Count} bundle(s) loaded";
            errors.Add(new BundleLoadError(Directory, $"no probe could be loaded ({why}); still serving the {old.Count} probe(s) loaded before"));
            return Keep(old, errors, build.Warnings);
        }
        Interlocked.Exchange(ref _current, build.Set);
        return new ProbeReloadResult(true, build.Set, errors, build.Warnings);
    }

    /// <summary>The loaded bundles plus, for each bundle directory that failed but was served before, its old bundle.</summary>
    private static (List<ProbeBundle> Bundles, HashSet<string> KeptDirectories) KeepServedVersions(ProbeSet old, BundleLoadResult loaded)
    {
        var bundles = loaded.Bundles.ToList();
        var kept = new HashSet<string>(StringComparer.Ordinal);
        if (bundles.Count == 0) return (bundles, kept); // nothing usable at all: the caller keeps the whole old set
        var ids = bundles.Select(b => b.ProbeId).ToHashSet(StringComparer.Ordinal);
        foreach (var error in loaded.Errors)
        {
            var previous = old.Probes.FirstOrDefault(p => string.Equals(p.Bundle.DirectoryPath, error.Directory, StringComparison.Ordinal));
            if (previous is null || !System.IO.Directory.Exists(error.Directory) || !ids.Add(previous.Id)) continue;
            bundles.Add(previous.Bundle);
            kept.Add(error.Directory);
        }
        return (bundles, kept);
    }

    private static ProbeReloadResult Keep(ProbeSet old, IReadOnlyList<BundleLoadError> errors, IReadOnlyList<string> warnings) =>
        new(false, old, errors, warnings);
}
