using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.Scoring;

namespace ProbeMonitor.Monitor.Services;

/// <summary>At start, says which inputs the sidecar can score; at shutdown, drains both queues once the server has stopped.</summary>
/// <remarks>
/// The host stops hosted services in reverse order of registration, and the web server was registered first, so an
/// ordinary StopAsync here would run while the server still takes calls: requests between the forward pass and scoring
/// would find the scoring queue closed. Draining in <see cref="StoppedAsync"/> instead runs after every StopAsync,
/// the server's included, which stops accepting calls and waits (up to the host's shutdown timeout) for those in flight;
/// the queues keep serving them until then, and drain whatever is left afterwards.
/// </remarks>
internal sealed class ScoringShutdown(ScoringQueue scoring, ForwardQueue forward, MonitorOptions options, ILogger<ScoringShutdown> logger) : IHostedLifecycleService
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

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        // Forward passes first: what they finish still has to be scored.
        await forward.StopAsync(cancellationToken).ConfigureAwait(false);
        await scoring.StopAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Scoring queues drained");
    }
}
