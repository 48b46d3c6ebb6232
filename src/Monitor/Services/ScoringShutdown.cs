using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.Scoring;

namespace ProbeMonitor.Monitor.Services;

/// <summary>At start, says which inputs the sidecar can score; at shutdown, drains both queues so accepted requests are
/// answered (requests arriving after that get UNAVAILABLE), within the host's shutdown timeout.</summary>
internal sealed class ScoringShutdown(ScoringQueue scoring, ForwardQueue forward, MonitorOptions options, ILogger<ScoringShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (forward.Source is { } source)
            logger.LogInformation("Model {Model} (d_model {DModel}) serves prompt, chat and token_ids requests", source.ModelId, source.DModel);
        else if (options.ModelDir is not null)
            logger.LogWarning("--model was given but this build has no model engine; prompt, chat and token_ids requests get FAILED_PRECONDITION, pushed activations are scored");
        else
            logger.LogInformation("No model configured: only pushed activations are scored");
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Forward passes first: what they finish still has to be scored.
        await forward.StopAsync(cancellationToken).ConfigureAwait(false);
        await scoring.StopAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Scoring queues drained");
    }
}
