namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Lock-free double arithmetic on a field stored as its bit pattern.</summary>
/// <remarks>
/// The compare-exchange works on the bits, not on the value: comparing doubles would spin forever once the sum is NaN
/// (NaN ≠ NaN) and would confuse +0 with −0.
/// </remarks>
internal static class AtomicDouble
{
    /// <summary>Adds <paramref name="value"/> to the double whose bits are in <paramref name="bits"/>.</summary>
    public static void Add(ref long bits, double value)
    {
        long seen = Volatile.Read(ref bits);
        while (true)
        {
            long next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
            long found = Interlocked.CompareExchange(ref bits, next, seen);
            if (found == seen) return;
            seen = found;
        }
    }

    /// <summary>Reads the double whose bits are in <paramref name="bits"/>.</summary>
    public static double Read(ref long bits) => BitConverter.Int64BitsToDouble(Volatile.Read(ref bits));

    /// <summary>Stores <paramref name="value"/> into <paramref name="bits"/>.</summary>
    public static void Write(ref long bits, double value) => Volatile.Write(ref bits, BitConverter.DoubleToInt64Bits(value));
}
