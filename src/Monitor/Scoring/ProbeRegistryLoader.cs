namespace ProbeMonitor.Monitor.Scoring;

/// <summary>Loads the probe bundles when the host starts and logs what loaded and what did not.</summary>
/// <remarks>Start-up does not fail when no probe loads: the sidecar still answers health checks, and a reload can follow.</remarks>
internal sealed class ProbeRegistryLoader(ProbeRegistry registry, ILogger<ProbeRegistryLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var result = await registry.ReloadAsync(cancellationToken).ConfigureAwait(false);
        foreach (var error in result.Errors)
            logger.LogError("Probe bundle {Directory} not loaded: {Problem}", error.Directory, error.Message);
        foreach (var warning in result.Warnings)
            logger.LogWarning("{Warning}", warning);
        logger.LogInformation("Serving {Count} probe(s) from {Directory}: {Ids}", result.Active.Count, registry.Directory, string.Join(", ", result.LoadedProbeIds));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
