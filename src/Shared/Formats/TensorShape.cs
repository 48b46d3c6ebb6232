namespace ProbeMonitor.Formats;

/// <summary>Overflow-checked arithmetic on tensor shapes, shared by the readers and writers.</summary>
internal static class TensorShape
{
    /// <summary>The product of the dimensions; false when a dimension is negative or the product overflows a long.</summary>
    public static bool TryElementCount(ReadOnlySpan<long> shape, out long count)
    {
        count = 1;
        foreach (var d in shape)
        {
            if (d < 0) return false;
            if (d != 0 && count > long.MaxValue / d) { count = 0; return false; }
            count *= d;
        }
        return true;
    }

    /// <summary>The element count; throws <see cref="ArgumentException"/> for a negative dimension or overflow.</summary>
    public static long ElementCount(ReadOnlySpan<long> shape) =>
        TryElementCount(shape, out var count)
            ? count
            : throw new ArgumentException($"shape {Format(shape)} has a negative dimension or more elements than a long can count.");

    /// <summary>Count × element size, false on overflow.</summary>
    public static bool TryByteLength(long count, int elementSize, out long bytes)
    {
        bytes = 0;
        if (count < 0 || count > long.MaxValue / elementSize) return false;
        bytes = count * elementSize;
        return true;
    }

    /// <summary>"[2, 3]" style text for messages.</summary>
    public static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
