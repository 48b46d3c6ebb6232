using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using ProbeMonitor.Kernels;
using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Protocol;
using WirePooling = ProbeMonitor.Protocol.Activations.Types.Pooling;
using WireDType = ProbeMonitor.Protocol.Activations.Types.DType;

namespace ProbeMonitor.Monitor.Services;

/// <summary>Turns the wire form of activations (little-endian F32/BF16/F16 bytes with a shape) into a pooled vector, checking everything.</summary>
/// <remarks>
/// Shapes: <c>[d]</c> or <c>[1, d]</c> is one vector the caller already pooled; its <c>pooling</c> says how (NONE: unspecified,
/// so it serves every probe; LAST/MEAN/MAX: only probes trained on that pooling). <c>[T, d]</c> with T &gt; 1 holds per-token
/// activations, pooled here as <c>pooling</c> says (NONE is then an error). Every element must be finite, including
/// tokens that LAST pooling discards: a NaN anywhere means the caller read the wrong thing.
/// </remarks>
public static class ActivationDecoder
{
    /// <summary>The widest vector accepted (far above any model's d_model; it bounds what a bad shape can make us allocate).</summary>
    public const int MaxDim = 1 << 20;

    /// <summary>Decodes and pools <paramref name="message"/>.</summary>
    /// <exception cref="InvalidActivationsException">The dtype, shape, byte count or pooling is wrong, or a value is NaN/Inf.</exception>
    public static PooledActivations Decode(Activations message)
    {
        ArgumentNullException.ThrowIfNull(message);
        int elementSize = message.Dtype switch
        {
            WireDType.F32 => 4,
            WireDType.Bf16 or WireDType.F16 => 2,
            _ => throw new InvalidActivationsException($"activations.dtype {(int)message.Dtype} is not one of F32 (0), BF16 (1), F16 (2)."),
        };
        if (!Enum.IsDefined(message.Pooling))
            throw new InvalidActivationsException($"activations.pooling {(int)message.Pooling} is not one of LAST (0), MEAN (1), MAX (2), NONE (3).");
        var (tokens, dim) = Shape(message.Shape);
        long expected = (long)tokens * dim * elementSize;
        var bytes = message.Data.Span;
        if (bytes.Length != expected)
            throw new InvalidActivationsException(
                $"activations.data holds {bytes.Length} bytes but shape {ShapeText(message.Shape)} of {message.Dtype.ToString().ToUpperInvariant()} needs {expected} bytes ({tokens} × {dim} × {elementSize}).");
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Activation decoding assumes a little-endian host.");

        bool pooledByCaller = message.Shape.Count == 1 || tokens == 1;
        if (!pooledByCaller && message.Pooling == WirePooling.None)
            throw new InvalidActivationsException(
                $"activations.pooling NONE means one already pooled vector, but shape {ShapeText(message.Shape)} holds {tokens} tokens; send [d] or [1, d], or name LAST, MEAN or MAX.");

        int? layer = message.Layer;
        if (message.Layer < 0) throw new InvalidActivationsException($"activations.layer is {message.Layer}; a layer index cannot be negative.");
        var result = new float[dim];
        if (pooledByCaller)
        {
            DecodeRow(bytes, message.Dtype, 0, dim, result);
            return message.Pooling == WirePooling.None
                ? PooledActivations.AnyPooling(result, layer)
                : PooledActivations.Pooled(dim, layer, new Dictionary<Pooling, float[]> { [ToPooling(message.Pooling)] = result });
        }

        var pooling = ToPooling(message.Pooling);
        var row = ArrayPool<float>.Shared.Rent(dim);
        var sums = pooling == Pooling.Mean ? ArrayPool<double>.Shared.Rent(dim) : null;
        try
        {
            var r = row.AsSpan(0, dim);
            if (sums is not null) Array.Clear(sums, 0, dim);
            for (int t = 0; t < tokens; t++)
            {
                DecodeRow(bytes, message.Dtype, t, dim, r);
                switch (pooling)
                {
                    case Pooling.Last when t == tokens - 1:
                        r.CopyTo(result);
                        break;
                    case Pooling.Mean:
                        for (int j = 0; j < dim; j++) sums![j] += r[j];
                        break;
                    case Pooling.Max when t == 0:
                        r.CopyTo(result);
                        break;
                    case Pooling.Max:
                        for (int j = 0; j < dim; j++) result[j] = Math.Max(result[j], r[j]);
                        break;
                }
            }
            if (sums is not null)
                for (int j = 0; j < dim; j++) result[j] = (float)(sums[j] / tokens);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(row);
            if (sums is not null) ArrayPool<double>.Shared.Return(sums);
        }
        return PooledActivations.Pooled(dim, layer, new Dictionary<Pooling, float[]> { [pooling] = result });
    }

    /// <summary>The probe-bundle pooling a wire pooling other than NONE names.</summary>
    public static Pooling ToPooling(WirePooling pooling) => pooling switch
    {
        WirePooling.Last => Pooling.Last,
        WirePooling.Mean => Pooling.Mean,
        WirePooling.Max => Pooling.Max,
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "NONE names no pooling."),
    };

    private static (int Tokens, int Dim) Shape(IList<long> shape)
    {
        if (shape.Count is not (1 or 2))
            throw new InvalidActivationsException($"activations.shape is {ShapeText(shape)}; it must be [d_model] or [tokens, d_model].");
        foreach (var n in shape)
            if (n < 1) throw new InvalidActivationsException($"activations.shape is {ShapeText(shape)}; every dimension must be positive.");
        long dim = shape[^1], tokens = shape.Count == 2 ? shape[0] : 1;
        if (dim > MaxDim) throw new InvalidActivationsException($"activations.shape {ShapeText(shape)} has d_model {dim}; the most accepted is {MaxDim}.");
        if (tokens > int.MaxValue / dim) throw new InvalidActivationsException($"activations.shape {ShapeText(shape)} is too large.");
        return ((int)tokens, (int)dim);
    }

    private static void DecodeRow(ReadOnlySpan<byte> bytes, WireDType dtype, int token, int dim, Span<float> row)
    {
        if (dtype == WireDType.F32)
        {
            MemoryMarshal.Cast<byte, float>(bytes.Slice(token * dim * 4, dim * 4)).CopyTo(row);
        }
        else
        {
            var halves = MemoryMarshal.Cast<byte, ushort>(bytes.Slice(token * dim * 2, dim * 2));
            if (dtype == WireDType.Bf16) FloatConversion.BFloat16ToSingle(halves, row);
            else FloatConversion.HalfToSingle(halves, row);
        }
        if (TensorPrimitives.IsFiniteAll<float>(row)) return; // vectorised: the usual case costs a fraction of the loop below
        for (int j = 0; j < row.Length; j++)
            if (!float.IsFinite(row[j]))
                throw new InvalidActivationsException(
                    $"activations hold {row[j].ToString(CultureInfo.InvariantCulture)} at token {token}, element {j}; activations must be finite (NaN and ±Inf are rejected).");
    }

    private static string ShapeText(IList<long> shape) => "[" + string.Join(", ", shape) + "]";
}
