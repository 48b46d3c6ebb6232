namespace ProbeMonitor.Monitor.Metrics;

/// <summary>One gauge series holding the last value set; a plain atomic store.</summary>
public sealed class LastValueCell
{
    private long _bits;

    /// <summary>Replaces the value.</summary>
    public void Set(double value) => AtomicDouble.Write(ref _bits, value);

    /// <summary>The last value set (0 before any).</summary>
    public double Value => AtomicDouble.Read(ref _bits);
}
