namespace ProbeMonitor.Monitor.Scoring;

/// <summary>Nothing can be scored because no probe is loaded (the transport maps this to FAILED_PRECONDITION).</summary>
public sealed class NoProbesLoadedException(string? directory)
    : InvalidOperationException(directory is null
        ? "No probes are loaded: start the sidecar with --probes DIR."
        : $"No probes are loaded from '{directory}': fix the bundles there and call ReloadProbes.");
