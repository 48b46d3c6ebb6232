namespace ProbeMonitor.Monitor.Scoring;

/// <summary>A request named probes that are not loaded (the transport maps this to NOT_FOUND).</summary>
public sealed class UnknownProbeException : Exception
{
    /// <summary>An error for the unknown ids, listing the loaded ones to help the caller.</summary>
    public UnknownProbeException(IReadOnlyList<string> unknownIds, IReadOnlyCollection<string> loadedIds)
        : base(Describe(unknownIds, loadedIds))
    {
        UnknownIds = unknownIds;
    }

    /// <summary>The ids that are not loaded.</summary>
    public IReadOnlyList<string> UnknownIds { get; }

    private static string Describe(IReadOnlyList<string> unknown, IReadOnlyCollection<string> loaded)
    {
        var which = unknown.Count == 1 ? $"probe '{unknown[0]}' is" : $"probes {string.Join(", ", unknown.Select(id => $"'{id}'"))} are";
        var known = loaded.Count == 0 ? "no probes are loaded" : $"loaded: {string.Join(", ", loaded)}";
        return $"Unknown {which} not loaded ({known}).";
    }
}
