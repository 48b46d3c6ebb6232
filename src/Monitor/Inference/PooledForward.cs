using ProbeMonitor.Monitor.Scoring;

namespace ProbeMonitor.Monitor.Inference;

/// <summary>A sequence's pooled activations and what producing them cost.</summary>
/// <param name="Activations">The pooled vectors.</param>
/// <param name="Queued">Time waiting for a forward-pass batch (zero on a cache hit).</param>
/// <param name="Forward">Time of the forward pass its batch took (zero on a cache hit).</param>
/// <param name="CacheHit">Whether every pooling came from the activation cache.</param>
public sealed record PooledForward(PooledActivations Activations, TimeSpan Queued, TimeSpan Forward, bool CacheHit);
