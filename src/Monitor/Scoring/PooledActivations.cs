using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>One request's activations ready to score: a d-vector per pooling the forward pass produced, or one vector
/// the caller pooled itself (<see cref="AnyPooling"/>, serving every probe whatever its pooling).</summary>
/// <remarks>The arrays are owned by this object once built and never changed; the cache may share them.</remarks>
public sealed class PooledActivations
{
    private PooledActivations(int dim, int? layer, IReadOnlyDictionary<Pooling, float[]> byPooling, float[]? any)
    {
        Dim = dim;
        Layer = layer;
        ByPooling = byPooling;
        Any = any;
        Signature = any is not null ? -1 : byPooling.Keys.Aggregate(0, (mask, p) => mask | (1 << (int)p));
    }

    /// <summary>d, the length of each vector.</summary>
    public int Dim { get; }

    /// <summary>The layer the activations were read at, when known.</summary>
    public int? Layer { get; }

    /// <summary>The vectors by pooling (empty when <see cref="Any"/> is set).</summary>
    public IReadOnlyDictionary<Pooling, float[]> ByPooling { get; }

    /// <summary>The caller-pooled vector that serves every probe, or null.</summary>
    public float[]? Any { get; }

    /// <summary>Which poolings this request carries, as a small integer: requests with equal signatures can share a batch.</summary>
    public int Signature { get; }

    /// <summary>A vector pooled by the caller in a way it did not name: every probe reads it.</summary>
    public static PooledActivations AnyPooling(float[] vector, int? layer) =>
        new(vector.Length, layer, new Dictionary<Pooling, float[]>(), vector);

    /// <summary>Vectors pooled the named ways, each of length <paramref name="dim"/>.</summary>
    public static PooledActivations Pooled(int dim, int? layer, IReadOnlyDictionary<Pooling, float[]> byPooling)
    {
        ArgumentNullException.ThrowIfNull(byPooling);
        if (byPooling.Count == 0) throw new ArgumentException("at least one pooling is needed.", nameof(byPooling));
        foreach (var (pooling, v) in byPooling)
            if (v.Length != dim) throw new ArgumentException($"the {pooling} vector holds {v.Length} floats, not d = {dim}.", nameof(byPooling));
        return new PooledActivations(dim, layer, byPooling, null);
    }

    /// <summary>Whether a probe reading <paramref name="pooling"/> can score this request.</summary>
    public bool Serves(Pooling pooling) => Any is not null || ByPooling.ContainsKey(pooling);

    /// <summary>The vector a probe reading <paramref name="pooling"/> scores.</summary>
    public float[] For(Pooling pooling) => Any ?? ByPooling[pooling];

    /// <summary>How the request's vectors were pooled, for error messages.</summary>
    public string DescribePooling() => Any is not null
        ? "already pooled (NONE)"
        : string.Join(", ", ByPooling.Keys.Order().Select(p => p.ToString().ToUpperInvariant())) + "-pooled";
}
