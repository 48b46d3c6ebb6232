namespace ProbeMonitor.Probes.Bundles;

/// <summary>Loads every bundle under a directory, isolating failures so one bad bundle does not stop the good ones.</summary>
public static class BundleDirectory
{
    /// <summary>Loads each immediate subdirectory of <paramref name="root"/> as a bundle, in ordinal name order.</summary>
    /// <remarks>Hidden subdirectories (a leading '.') are skipped: <see cref="ProbeBundleWriter"/> stages bundles in them.
    /// A bundle whose probe_id repeats an earlier one's is reported as an error rather than loaded.</remarks>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    public static BundleLoadResult LoadAll(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
            throw new DirectoryNotFoundException($"The probe bundle directory '{full}' does not exist.");

        var loaded = new List<ProbeBundle>();
        var errors = new List<BundleLoadError>();
        var byId = new Dictionary<string, string>(StringComparer.Ordinal);
        var subdirectories = Directory.GetDirectories(full)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal);
        foreach (var dir in subdirectories)
        {
            try
            {
                var bundle = ProbeBundle.Load(dir);
                if (byId.TryGetValue(bundle.ProbeId, out var first))
                {
                    errors.Add(new BundleLoadError(dir, $"probe_id '{bundle.ProbeId}' is already used by the bundle '{first}'"));
                    continue;
                }
                byId[bundle.ProbeId] = dir;
                loaded.Add(bundle);
            }
            catch (Exception e) when (e is ProbeBundleException or IOException or UnauthorizedAccessException)
            {
                errors.Add(new BundleLoadError(dir, e.Message));
            }
        }
        return new BundleLoadResult(loaded, errors);
    }
}

/// <summary>The outcome of <see cref="BundleDirectory.LoadAll"/>: the bundles that loaded and one error per bundle that did not.</summary>
public sealed record BundleLoadResult(IReadOnlyList<ProbeBundle> Bundles, IReadOnlyList<BundleLoadError> Errors);

/// <summary>A bundle directory that failed to load, and why.</summary>
public sealed record BundleLoadError(string Directory, string Message);
