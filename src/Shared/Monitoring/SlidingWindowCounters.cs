namespace ProbeMonitor.Monitoring;

/// <summary>
/// A fixed set of counters over a sliding window of records, in fixed memory: a ring of K sub-windows ("epochs") of C
/// counters each. A record may bump several counters, all in the same epoch, so counters of one record never straddle
/// the window's edge. Recording is thread-safe and allocation-free (interlocked adds); only the first record of a new
/// epoch takes a lock, to clear the slot it recycles.
/// </summary>
/// <remarks>
/// The recycling protocol is <see cref="Statistics.Drift.SlidingWindowHistogram"/>'s: a writer announces itself on the
/// slot's active counter before checking the slot's epoch, and the recycler marks the slot before waiting for that
/// counter to drain, so every record is counted whole in its own epoch or dropped whole when its epoch has left the window.
/// <para>
/// Snapshots are not atomic with respect to concurrent records, but they are ordered: writers bump counters in ascending
/// index order and <see cref="Snapshot"/> reads them in descending order. So if counter i is a "denominator" of counter
/// j &gt; i (every record bumping j bumps i first), a snapshot never shows j above i.
/// </para>
/// </remarks>
internal sealed class SlidingWindowCounters
{
    private const long Unused = -1;
    private const long Recycling = -2;
    private readonly long[] _counts; // K × C, slot-major
    private readonly long[] _slotEpoch;
    private readonly long[] _active;
    private readonly object _rotation = new();
    private readonly long _perSubWindow;
    private readonly TimeProvider? _time;
    private readonly long _startTimestamp;
    private readonly long _subWindowTicks;
    private long _records;

    public SlidingWindowCounters(int counterCount, DriftWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        if (counterCount < 1) throw new ArgumentOutOfRangeException(nameof(counterCount), counterCount, "at least one counter is needed.");
        Counters = counterCount;
        SubWindows = window.SubWindows;
        _counts = new long[(long)SubWindows * counterCount];
        _slotEpoch = new long[SubWindows];
        Array.Fill(_slotEpoch, Unused);
        _active = new long[SubWindows];
        if (window.IsByCount)
        {
            _perSubWindow = window.RequestsPerSubWindow;
        }
        else
        {
            _time = window.TimeProvider ?? TimeProvider.System;
            _subWindowTicks = window.SubWindowLength.Ticks;
            _startTimestamp = _time.GetTimestamp();
        }
    }

    /// <summary>C, the counters per record.</summary>
    public int Counters { get; }

    /// <summary>K, the sub-windows in the ring.</summary>
    public int SubWindows { get; }

    /// <summary>Starts a record: returns the slot to <see cref="Add"/> into, or −1 when the record's epoch has already left the window. Pair with <see cref="Exit"/>.</summary>
    public int Enter() => EnterEpoch(_time is null ? (Interlocked.Increment(ref _records) - 1) / _perSubWindow : ClockEpoch());

    /// <summary>Claims the places of <paramref name="records"/> consecutive records at once (count windows) or reads the clock
    /// once for all of them (time windows); <see cref="RecordRun.Next"/> then splits them into runs that share an epoch.</summary>
    /// <remarks>Recording a batch this way counts exactly what as many <see cref="Enter"/>/<see cref="Add"/> records in
    /// order would, with one interlocked add per touched counter and run instead of per record.</remarks>
    public RecordRun StartRun(int records)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(records);
        return _time is null
            ? new RecordRun(Interlocked.Add(ref _records, records) - records, _perSubWindow, records, -1)
            : new RecordRun(0, 0, records, ClockEpoch());
    }

    /// <summary>Adds <paramref name="amounts"/> [C] to the counters of <paramref name="epoch"/>'s slot, in ascending counter order
    /// (so denominators first, as <see cref="Snapshot"/> relies on); does nothing when the epoch has left the window.</summary>
    public void AddRun(long epoch, ReadOnlySpan<long> amounts)
    {
        if (amounts.Length != Counters) throw new ArgumentException($"amounts holds {amounts.Length} values but there are {Counters} counters.", nameof(amounts));
        int slot = EnterEpoch(epoch);
        if (slot < 0) return;
        var row = _counts.AsSpan(slot * Counters, Counters);
        for (int c = 0; c < amounts.Length; c++)
            if (amounts[c] != 0) Interlocked.Add(ref row[c], amounts[c]);
        Interlocked.Decrement(ref _active[slot]);
    }

    private int EnterEpoch(long epoch)
    {
        int slot = (int)(epoch % SubWindows);
        while (true)
        {
            Interlocked.Increment(ref _active[slot]);
            long held = Volatile.Read(ref _slotEpoch[slot]);
            if (held == epoch) return slot;
            Interlocked.Decrement(ref _active[slot]);
            if (held > epoch) return -1;
            Recycle(slot, epoch);
        }
    }

    /// <summary>Adds <paramref name="amount"/> to counter <paramref name="counter"/> of the record's slot (a no-op for slot −1).</summary>
    public void Add(int slot, int counter, long amount = 1)
    {
        if (slot < 0) return;
        if ((uint)counter >= (uint)Counters) throw new ArgumentOutOfRangeException(nameof(counter), counter, $"there are {Counters} counters.");
        Interlocked.Add(ref _counts[(long)slot * Counters + counter], amount);
    }

    /// <summary>Ends a record started by <see cref="Enter"/>.</summary>
    public void Exit(int slot)
    {
        if (slot >= 0) Interlocked.Decrement(ref _active[slot]);
    }

    /// <summary>Writes the sums over the newest K epochs into <paramref name="totals"/> [C], reading counters from the last to the first.</summary>
    public void Snapshot(Span<long> totals)
    {
        if (totals.Length != Counters) throw new ArgumentException($"totals holds {totals.Length} values but there are {Counters} counters.", nameof(totals));
        totals.Clear();
        lock (_rotation)
        {
            long newest = _time is null ? Math.Max(0, Volatile.Read(ref _records) - 1) / _perSubWindow : ClockEpoch();
            for (int s = 0; s < SubWindows; s++) newest = Math.Max(newest, Volatile.Read(ref _slotEpoch[s]));
            Span<bool> live = SubWindows <= 256 ? stackalloc bool[SubWindows] : new bool[SubWindows];
            for (int s = 0; s < SubWindows; s++)
            {
                long epoch = Volatile.Read(ref _slotEpoch[s]);
                live[s] = epoch >= 0 && epoch > newest - SubWindows;
            }
            for (int c = Counters - 1; c >= 0; c--)
                for (int s = 0; s < SubWindows; s++)
                    if (live[s]) totals[c] += Volatile.Read(ref _counts[(long)s * Counters + c]);
        }
    }

    private long ClockEpoch() => _time!.GetElapsedTime(_startTimestamp).Ticks / _subWindowTicks;

    private void Recycle(int slot, long epoch)
    {
        lock (_rotation)
        {
            if (_slotEpoch[slot] >= epoch) return;
            Interlocked.Exchange(ref _slotEpoch[slot], Recycling);
            var spin = new SpinWait();
            while (Volatile.Read(ref _active[slot]) != 0) spin.SpinOnce();
            Array.Clear(_counts, slot * Counters, Counters);
            Interlocked.Exchange(ref _slotEpoch[slot], epoch);
        }
    }
}
