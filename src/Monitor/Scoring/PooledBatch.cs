using System.Numerics.Tensors;
using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Scoring;

/// <summary>A batch of n pooled activation vectors [n, d] (row-major), one array per pooling the forward pass produced.</summary>
/// <remarks>
/// Probes may be trained on different poolings of the same layer; the forward pass pools once per pooling the selected
/// probes need (<see cref="ProbeSet.Poolings"/>) and each probe reads its own. Activations the caller has already pooled
/// (<see cref="AnyPooling"/>) serve every probe. Construction checks sizes and finiteness once, so scoring can trust them.
/// The batch keeps the arrays it is given: callers must not change them while it is scored.
/// </remarks>
public sealed class PooledBatch
{
    private readonly IReadOnlyDictionary<Pooling, ReadOnlyMemory<float>> _byPooling;
    private readonly ReadOnlyMemory<float>? _any;

    private PooledBatch(int rows, int dim, int? layer, IReadOnlyDictionary<Pooling, ReadOnlyMemory<float>> byPooling, ReadOnlyMemory<float>? any)
    {
        if (rows < 0) throw new InvalidActivationsException($"The batch has {rows} rows; the count cannot be negative.");
        if (dim < 1) throw new InvalidActivationsException($"The activation width is {dim}; it must be positive.");
        Rows = rows;
        Dim = dim;
        Layer = layer;
        _byPooling = byPooling;
        _any = any;
        if (any is { } data) Check(data.Span, "the pooled activations");
        foreach (var (pooling, values) in byPooling) Check(values.Span, $"the {pooling.ToString().ToLowerInvariant()}-pooled activations");
    }

    /// <summary>Activations pooled one way per pooling (each [rows, dim]).</summary>
    /// <exception cref="InvalidActivationsException">A size is wrong or a value is NaN/Inf.</exception>
    public PooledBatch(int rows, int dim, IReadOnlyDictionary<Pooling, ReadOnlyMemory<float>> byPooling, int? layer = null)
        : this(rows, dim, layer, byPooling ?? throw new ArgumentNullException(nameof(byPooling)), null)
    {
        if (byPooling.Count == 0) throw new InvalidActivationsException("The batch holds no activations.");
    }

    /// <summary>Activations pooled by the caller, [rows, dim], used by every probe whatever its pooling.</summary>
    public static PooledBatch AnyPooling(ReadOnlyMemory<float> data, int rows, int dim, int? layer = null) =>
        new(rows, dim, layer, new Dictionary<Pooling, ReadOnlyMemory<float>>(), data);

    /// <summary>Activations pooled one way, [rows, dim], for probes trained on that pooling.</summary>
    public static PooledBatch Single(Pooling pooling, ReadOnlyMemory<float> data, int rows, int dim, int? layer = null) =>
        new(rows, dim, new Dictionary<Pooling, ReadOnlyMemory<float>> { [pooling] = data }, layer);

    /// <summary>n, the number of requests.</summary>
    public int Rows { get; }

    /// <summary>d, the activation width.</summary>
    public int Dim { get; }

    /// <summary>The layer the activations were read at, when the caller said; checked against each probe's layer.</summary>
    public int? Layer { get; }

    /// <summary>The activations a probe with <paramref name="pooling"/> reads.</summary>
    /// <exception cref="InvalidActivationsException">The batch has neither that pooling nor caller-pooled activations.</exception>
    public ReadOnlyMemory<float> For(Pooling pooling, string probeId)
    {
        if (_byPooling.TryGetValue(pooling, out var data)) return data;
        if (_any is { } any) return any;
        var have = string.Join(", ", _byPooling.Keys.Select(p => p.ToString().ToLowerInvariant()));
        throw new InvalidActivationsException(
            $"Probe '{probeId}' reads {pooling.ToString().ToLowerInvariant()}-pooled activations but the batch holds only {have}.");
    }

    private void Check(ReadOnlySpan<float> values, string what)
    {
        long expected = (long)Rows * Dim;
        if (values.Length != expected)
            throw new InvalidActivationsException(
                $"{Capitalise(what)} hold {values.Length} floats but {Rows} rows × d_model {Dim} = {expected} are needed.");
        if (TensorPrimitives.IsFiniteAll(values)) return; // vectorised: the usual case costs a fraction of the loop below
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new InvalidActivationsException(
                    $"{Capitalise(what)} have {values[i]} at row {i / Dim}, element {i % Dim}; activations must be finite.");
    }

    private static string Capitalise(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
