namespace ProbeMonitor.Probes.Bundles;

/// <summary>A probe bundle that cannot be loaded or written; the message names the bundle directory and the problem.</summary>
public sealed class ProbeBundleException : Exception
{
    /// <summary>An error about the bundle at <paramref name="bundleDirectory"/>.</summary>
    public ProbeBundleException(string bundleDirectory, string problem, Exception? inner = null)
        : base($"Probe bundle '{bundleDirectory}': {problem}", inner)
    {
        BundleDirectory = bundleDirectory;
        Problem = problem;
    }

    /// <summary>The bundle directory concerned.</summary>
    public string BundleDirectory { get; }

    /// <summary>The problem, without the directory.</summary>
    public string Problem { get; }
}
