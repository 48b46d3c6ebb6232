namespace ProbeMonitor.Statistics.Drift;

/// <summary>
/// A histogram of recent values only, in fixed memory: a ring of K sub-window histograms, each covering one "epoch" of a
/// fixed number of values or a fixed stretch of time. A snapshot sums the newest K epochs, so the window holds between
/// K − 1 and K sub-windows' worth of data. Adding is thread-safe and allocation-free (three interlocked operations per
/// value or per batch chunk); only the first add of a new epoch takes a lock, to clear the slot it recycles.
/// </summary>
/// <remarks>
/// Recycling a slot must not race with adds still counting into it. Each add announces itself on the slot's "active"
/// counter before checking the slot's epoch, and the recycler marks the slot pending before waiting for that counter to
/// drain; with interlocked (fully fenced) operations on both sides, either the add sees the mark and retries under the
/// lock, or the recycler sees the add and waits for it. So every value is counted in its own epoch, or dropped when its
/// epoch has already left the window. By time, epochs come from the <see cref="TimeProvider"/>: idle stretches expire
/// old data even without adds.
/// </remarks>
public sealed class SlidingWindowHistogram
{
    private const int StackBins = 256;
    private const long Unused = -1;
    private const long Recycling = -2;
    private readonly long[] _counts; // K × bins, slot-major
    private readonly long[] _nan;
    private readonly long[] _slotEpoch;
    private readonly long[] _active;
    private readonly object _rotation = new();
    private readonly int _bins;
    private readonly long _valuesPerSubWindow;
    private readonly TimeProvider? _time;
    private readonly long _startTimestamp;
    private readonly long _subWindowTicks;
    private long _adds;

    private SlidingWindowHistogram(BinEdges edges, int subWindows, long valuesPerSubWindow, TimeProvider? time, TimeSpan subWindowLength)
    {
        Edges = edges ?? throw new ArgumentNullException(nameof(edges));
        if (subWindows < 1) throw new ArgumentOutOfRangeException(nameof(subWindows), subWindows, "a sliding window needs at least one sub-window.");
        SubWindows = subWindows;
        _bins = edges.BinCount;
        _counts = new long[(long)subWindows * _bins];
        _nan = new long[subWindows];
        _slotEpoch = new long[subWindows];
        Array.Fill(_slotEpoch, Unused);
        _active = new long[subWindows];
        _valuesPerSubWindow = valuesPerSubWindow;
        _time = time;
        _subWindowTicks = subWindowLength.Ticks;
        if (time is not null) _startTimestamp = time.GetTimestamp();
    }

    /// <summary>A window of the last <paramref name="subWindows"/> × <paramref name="valuesPerSubWindow"/> values (the newest sub-window filling up).</summary>
    public static SlidingWindowHistogram ByCount(BinEdges edges, int subWindows, long valuesPerSubWindow)
    {
        if (valuesPerSubWindow < 1)
            throw new ArgumentOutOfRangeException(nameof(valuesPerSubWindow), valuesPerSubWindow, "each sub-window must hold at least one value.");
        return new SlidingWindowHistogram(edges, subWindows, valuesPerSubWindow, null, TimeSpan.Zero);
    }

    /// <summary>A window of the last <paramref name="subWindows"/> × <paramref name="subWindowLength"/> of time (system clock unless given).</summary>
    public static SlidingWindowHistogram ByTime(BinEdges edges, int subWindows, TimeSpan subWindowLength, TimeProvider? timeProvider = null)
    {
        if (subWindowLength <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(subWindowLength), subWindowLength, "a sub-window must last a positive time.");
        return new SlidingWindowHistogram(edges, subWindows, 0, timeProvider ?? TimeProvider.System, subWindowLength);
    }

    /// <summary>The bin edges.</summary>
    public BinEdges Edges { get; }

    /// <summary>K, the number of sub-windows in the ring.</summary>
    public int SubWindows { get; }

    /// <summary>Counts one value into the current sub-window.</summary>
    public void Add(double value)
    {
        long epoch = _time is null ? (Interlocked.Increment(ref _adds) - 1) / _valuesPerSubWindow : ClockEpoch();
        int bin = Edges.IndexOf(value);
        int slot = Enter(epoch);
        if (slot < 0) return;
        if (bin < 0) Interlocked.Increment(ref _nan[slot]);
        else Interlocked.Increment(ref _counts[(long)slot * _bins + bin]);
        Interlocked.Decrement(ref _active[slot]);
    }

    /// <summary>Counts a batch of floats, one interlocked add per touched bin and sub-window.</summary>
    public void Add(ReadOnlySpan<float> values)
    {
        if (_bins > StackBins)
        {
            foreach (var v in values) Add(v);
            return;
        }
        Span<long> local = stackalloc long[_bins];
        int done = 0;
        long first = _time is null ? Interlocked.Add(ref _adds, values.Length) - values.Length : 0;
        while (done < values.Length)
        {
            long epoch;
            int take;
            if (_time is null)
            {
                long position = first + done;
                epoch = position / _valuesPerSubWindow;
                take = (int)Math.Min(values.Length - done, (epoch + 1) * _valuesPerSubWindow - position);
            }
            else
            {
                epoch = ClockEpoch();
                take = values.Length - done;
            }
            local.Clear();
            long nan = 0;
            foreach (var v in values.Slice(done, take))
            {
                int bin = Edges.IndexOf(v);
                if (bin < 0) nan++; else local[bin]++;
            }
            done += take;
            int slot = Enter(epoch);
            if (slot < 0) continue;
            var row = _counts.AsSpan().Slice(slot * _bins, _bins);
            for (int i = 0; i < _bins; i++)
                if (local[i] != 0) Interlocked.Add(ref row[i], local[i]);
            if (nan != 0) Interlocked.Add(ref _nan[slot], nan);
            Interlocked.Decrement(ref _active[slot]);
        }
    }

    /// <summary>The sum of the newest K sub-windows as an immutable histogram.</summary>
    public HistogramCounts Snapshot()
    {
        var counts = new long[_bins];
        long nan = 0;
        lock (_rotation)
        {
            long newest = _time is null ? Math.Max(0, Volatile.Read(ref _adds) - 1) / _valuesPerSubWindow : ClockEpoch();
            for (int s = 0; s < SubWindows; s++) newest = Math.Max(newest, _slotEpoch[s]);
            for (int s = 0; s < SubWindows; s++)
            {
                long epoch = _slotEpoch[s];
                if (epoch < 0 || epoch <= newest - SubWindows) continue;
                for (int i = 0; i < _bins; i++) counts[i] += Volatile.Read(ref _counts[(long)s * _bins + i]);
                nan += Volatile.Read(ref _nan[s]);
            }
        }
        return new HistogramCounts(Edges, counts, nan);
    }

    private long ClockEpoch() => _time!.GetElapsedTime(_startTimestamp).Ticks / _subWindowTicks;

    /// <summary>
    /// Announces an add on the epoch's slot and returns the slot, recycling it first (under the lock) if it holds an older
    /// epoch; −1 when the slot already holds a newer epoch, i.e. this one has left the window. Having seen its epoch
    /// after announcing itself, the caller may count: no recycler clears the slot until it withdraws the announcement.
    /// </summary>
    private int Enter(long epoch)
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

    private void Recycle(int slot, long epoch)
    {
        lock (_rotation)
        {
            if (_slotEpoch[slot] >= epoch) return;
            Interlocked.Exchange(ref _slotEpoch[slot], Recycling);
            var spin = new SpinWait();
            while (Volatile.Read(ref _active[slot]) != 0) spin.SpinOnce();
            Array.Clear(_counts, slot * _bins, _bins);
            _nan[slot] = 0;
            Interlocked.Exchange(ref _slotEpoch[slot], epoch);
        }
    }
}
