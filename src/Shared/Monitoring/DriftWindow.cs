namespace ProbeMonitor.Monitoring;

/// <summary>How much recent traffic a drift tracker compares with its reference: the last N requests or the last stretch of time.</summary>
/// <remarks>
/// The window is a ring of <see cref="SubWindows"/> sub-windows, so it slides in steps of one sub-window: a count window
/// of N requests holds between N·(K − 1)/K and N of the newest requests, a time window of length T between T·(K − 1)/K
/// and T of the newest traffic. More sub-windows slide more smoothly at the cost of K times the counters' memory.
/// Below <see cref="MinimumCount"/> requests in the window a snapshot reports "insufficient data" (NaN signals).
/// </remarks>
public sealed record DriftWindow
{
    /// <summary>The default count window: the last 2,000 requests.</summary>
    public const int DefaultRequests = 2000;

    /// <summary>The default number of sub-windows.</summary>
    public const int DefaultSubWindows = 10;

    /// <summary>The default minimum number of requests before signals are reported.</summary>
    public const int DefaultMinimumCount = 500;

    private DriftWindow(int? requests, TimeSpan? length, int subWindows, int minimumCount, TimeProvider? timeProvider)
    {
        if (subWindows < 1) throw new ArgumentOutOfRangeException(nameof(subWindows), subWindows, "a drift window needs at least one sub-window.");
        if (minimumCount < 1) throw new ArgumentOutOfRangeException(nameof(minimumCount), minimumCount, "the minimum count must be at least 1.");
        Requests = requests;
        Length = length;
        SubWindows = subWindows;
        MinimumCount = minimumCount;
        TimeProvider = timeProvider;
    }

    /// <summary>A window over the last <paramref name="requests"/> requests.</summary>
    public static DriftWindow ByCount(int requests = DefaultRequests, int subWindows = DefaultSubWindows, int minimumCount = DefaultMinimumCount)
    {
        if (requests < 1) throw new ArgumentOutOfRangeException(nameof(requests), requests, "a count window must hold at least one request.");
        if (subWindows > requests)
            throw new ArgumentOutOfRangeException(nameof(subWindows), subWindows, $"a window of {requests} requests cannot have more sub-windows than requests.");
        return new DriftWindow(requests, null, subWindows, minimumCount, null);
    }

    /// <summary>A window over the last <paramref name="length"/> of time, by <paramref name="timeProvider"/> (the system clock when null).</summary>
    public static DriftWindow ByTime(TimeSpan length, int subWindows = DefaultSubWindows, int minimumCount = DefaultMinimumCount, TimeProvider? timeProvider = null)
    {
        if (length <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(length), length, "a time window must last a positive time.");
        if (length.Ticks / subWindows < 1)
            throw new ArgumentOutOfRangeException(nameof(subWindows), subWindows, $"a window of {length} is too short for {subWindows} sub-windows.");
        return new DriftWindow(null, length, subWindows, minimumCount, timeProvider ?? TimeProvider.System);
    }

    /// <summary>The window's size in requests (count windows), else null.</summary>
    public int? Requests { get; }

    /// <summary>The window's length in time (time windows), else null.</summary>
    public TimeSpan? Length { get; }

    /// <summary>K, the number of sub-windows the window slides by.</summary>
    public int SubWindows { get; }

    /// <summary>The fewest requests in the window for which signals are reported.</summary>
    public int MinimumCount { get; }

    /// <summary>The clock of a time window; null for count windows.</summary>
    public TimeProvider? TimeProvider { get; }

    /// <summary>Whether the window is counted in requests rather than time.</summary>
    public bool IsByCount => Requests is not null;

    /// <summary>Requests per sub-window of a count window: ⌈N / K⌉.</summary>
    internal long RequestsPerSubWindow => Requests is { } n ? (n + SubWindows - 1) / SubWindows : 0;

    /// <summary>The length of one sub-window of a time window.</summary>
    internal TimeSpan SubWindowLength => Length is { } t ? TimeSpan.FromTicks(t.Ticks / SubWindows) : TimeSpan.Zero;
}
