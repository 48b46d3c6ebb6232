using System.Numerics.Tensors;

namespace ProbeMonitor.Probes;

/// <summary>Broadcast operations over the rows of a row-major [n, d] matrix.</summary>
internal static class RowOps
{
    /// <summary>destination[i, :] = x[i, :] − row for every row i.</summary>
    public static void SubtractFromEachRow(ReadOnlySpan<float> x, ReadOnlySpan<float> row, Span<float> destination)
    {
        int d = row.Length;
        for (int i = 0; i < x.Length; i += d)
            TensorPrimitives.Subtract(x.Slice(i, d), row, destination.Slice(i, d));
    }

    /// <summary>m[i, :] += row for every row i, in place.</summary>
    public static void AddToEachRow(Span<float> m, ReadOnlySpan<float> row)
    {
        int d = row.Length;
        for (int i = 0; i < m.Length; i += d)
        {
            var r = m.Slice(i, d);
            TensorPrimitives.Add(r, row, r);
        }
    }
}
