namespace ProbeMonitor.Monitor.Metrics;

/// <summary>One counter or up-down-counter series, updated lock-free.</summary>
/// <remarks>
/// Integer increments go to a 64-bit integer with <see cref="Interlocked.Add(ref long, long)"/>: exact and a single atomic
/// instruction. Only floating-point increments pay for the compare-exchange loop on the double part.
/// </remarks>
public sealed class SumCell
{
    private long _integral;
    private long _fractionalBits;

    /// <summary>Adds an integer increment.</summary>
    public void Add(long delta) => Interlocked.Add(ref _integral, delta);

    /// <summary>Adds a floating-point increment.</summary>
    public void Add(double delta) => AtomicDouble.Add(ref _fractionalBits, delta);

    /// <summary>The current total.</summary>
    public double Value => Volatile.Read(ref _integral) + AtomicDouble.Read(ref _fractionalBits);
}
