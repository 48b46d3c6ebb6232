using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Inference;

/// <summary>What one forward pass computes: the residual stream of every sequence at one layer, pooled each way asked.</summary>
/// <param name="Sequences">The token ids of each sequence (none empty).</param>
/// <param name="Layer">The block whose output (resid_post) is read.</param>
/// <param name="Poolings">The poolings the probes need, each at most once.</param>
public sealed record ForwardBatch(IReadOnlyList<int[]> Sequences, int Layer, IReadOnlyList<Pooling> Poolings);

/// <summary>The pooled activations of a <see cref="ForwardBatch"/>: for each pooling asked, [sequences, d_model] row-major.</summary>
public sealed record ForwardResult(IReadOnlyDictionary<Pooling, float[]> Pooled);
