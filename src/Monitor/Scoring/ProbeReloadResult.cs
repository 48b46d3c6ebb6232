using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>What a (re)load of the probe directory did.</summary>
/// <param name="Swapped">Whether the new set replaced the one being served.</param>
/// <param name="Active">The set served after the reload (the old one when nothing loaded).</param>
/// <param name="Errors">One entry per bundle that failed to load or was rejected, plus one for the directory when nothing loaded.</param>
/// <param name="Warnings">Problems that did not stop a probe from loading.</param>
public sealed record ProbeReloadResult(bool Swapped, ProbeSet Active, IReadOnlyList<BundleLoadError> Errors, IReadOnlyList<string> Warnings)
{
    /// <summary>The ids of the probes served after the reload.</summary>
    public IReadOnlyList<string> LoadedProbeIds => Active.Probes.Select(p => p.Id).ToList();
}
