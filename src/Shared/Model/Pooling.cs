namespace ProbeMonitor.Model;

/// <summary>How a sequence's per-token activations become what is stored for it.</summary>
public enum Pooling
{
    /// <summary>The last token's vector.</summary>
    Last,
    /// <summary>The mean over tokens.</summary>
    Mean,
    /// <summary>The element-wise maximum over tokens.</summary>
    Max,
    /// <summary>Every token's vector, [T, d].</summary>
    None,
}

/// <summary>Parsing and applying <see cref="Pooling"/>.</summary>
public static class PoolingExtensions
{
    /// <summary>Parses "last", "mean", "max" or "none" (case-insensitive).</summary>
    public static Pooling Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "last" => Pooling.Last,
        "mean" => Pooling.Mean,
        "max" => Pooling.Max,
        "none" => Pooling.None,
        _ => throw new ArgumentException($"unknown pooling '{text}': expected last, mean, max or none."),
    };

    /// <summary>The lower-case name used on the command line.</summary>
    public static string Name(this Pooling pooling) => pooling.ToString().ToLowerInvariant();

    /// <summary>Pools rows [T, d] of one sequence into a new array ([d], or a copy of [T, d] for <see cref="Pooling.None"/>).</summary>
    public static float[] Pool(this Pooling pooling, ReadOnlySpan<float> rows, int length, int d)
    {
        if (length <= 0) throw new ArgumentException("cannot pool an empty sequence.");
        switch (pooling)
        {
            case Pooling.None:
                return rows[..(length * d)].ToArray();
            case Pooling.Last:
                return rows.Slice((length - 1) * d, d).ToArray();
            case Pooling.Mean:
            {
                var sum = new double[d];
                for (int t = 0; t < length; t++)
                {
                    var row = rows.Slice(t * d, d);
                    for (int i = 0; i < d; i++) sum[i] += row[i];
                }
                var mean = new float[d];
                for (int i = 0; i < d; i++) mean[i] = (float)(sum[i] / length);
                return mean;
            }
            case Pooling.Max:
            {
                var max = rows[..d].ToArray();
                for (int t = 1; t < length; t++)
                    System.Numerics.Tensors.TensorPrimitives.Max(max, rows.Slice(t * d, d), max);
                return max;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(pooling), pooling, null);
        }
    }
}
