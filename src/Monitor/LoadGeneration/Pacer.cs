namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>When each request is due: at once (closed loop) or on a fixed schedule of <c>rate</c> per second shared by all
/// workers (open loop). Latency is measured from the slot's intended time, so a late send counts against the server and the
/// client alike and a stall cannot hide its delay (no coordinated omission).</summary>
/// <remarks>Open loop: slot i is due at start + i/rate; the schedule covers warm-up plus duration, so it holds exactly
/// ⌈rate·(warm-up + duration)⌉ slots, of which those due at or after the warm-up are measured. A client that falls so far
/// behind that the schedule's end is <see cref="LateCutoff"/> past stops there: the slots it never handed out are counted
/// (<see cref="MeasuredUnsent"/>) rather than sent ever later. Closed loop: a slot is handed out whenever a worker asks
/// before the end, and is measured when it starts after the warm-up.</remarks>
public sealed class Pacer
{
    /// <summary>How far past the schedule's end a lagging open-loop client keeps sending overdue slots.</summary>
    public static readonly TimeSpan LateCutoff = TimeSpan.FromSeconds(5);

    private readonly double? _rate;
    private readonly double _warmupSeconds, _endSeconds;
    private readonly TimeProvider _time;
    private long _next = -1, _measuredHanded;

    /// <summary>A schedule starting now.</summary>
    public Pacer(double? rate, TimeSpan warmup, TimeSpan duration, TimeProvider? time = null)
    {
        _rate = rate;
        _time = time ?? TimeProvider.System;
        _warmupSeconds = warmup.TotalSeconds;
        _endSeconds = (warmup + duration).TotalSeconds;
        if (rate is { } r) MeasuredScheduled = FirstAtOrAfter(_endSeconds, r) - FirstAtOrAfter(_warmupSeconds, r);
        Start = _time.GetTimestamp();
    }

    /// <summary>The schedule's start, a timestamp of the pacer's time provider.</summary>
    public long Start { get; }

    /// <summary>When measuring starts (after the warm-up).</summary>
    public long MeasureStart => Start + Ticks(_warmupSeconds);

    /// <summary>Open loop: the measured slots in the schedule; null for closed loop.</summary>
    public long? MeasuredScheduled { get; }

    /// <summary>Open loop: measured slots never handed out because the client fell behind by more than <see cref="LateCutoff"/>.</summary>
    public long MeasuredUnsent => MeasuredScheduled is { } n ? n - Interlocked.Read(ref _measuredHanded) : 0;

    /// <summary>The next slot, after waiting for its time; null once the schedule is over or <paramref name="cancellationToken"/> fired.</summary>
    public async ValueTask<Slot?> NextAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return null;
        double now = Seconds(_time.GetTimestamp());
        if (_rate is not { } rate) return now < _endSeconds ? new Slot(Start + Ticks(now), now >= _warmupSeconds) : null;

        if (now >= _endSeconds + LateCutoff.TotalSeconds) return null;
        long i = Interlocked.Increment(ref _next);
        double due = i / rate;
        if (due >= _endSeconds) return null;
        long intended = Start + Ticks(due);
        var wait = _time.GetElapsedTime(_time.GetTimestamp(), intended);
        if (wait > TimeSpan.Zero)
        {
            try
            {
                // On the real clock, wait with sub-millisecond precision: Task.Delay's millisecond timers sent each
                // request up to 2 ms late, and that lateness counts in every latency measured from the schedule.
                await (ReferenceEquals(_time, TimeProvider.System)
                    ? PreciseDelay.UntilAsync(intended, cancellationToken)
                    : Task.Delay(wait, _time, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        bool measured = due >= _warmupSeconds;
        if (measured) Interlocked.Increment(ref _measuredHanded);
        return new Slot(intended, measured);
    }

    /// <summary>The first slot index i with i/rate ≥ <paramref name="seconds"/> (the same floating-point test the schedule uses).</summary>
    private static long FirstAtOrAfter(double seconds, double rate)
    {
        long i = Math.Max(0, (long)Math.Ceiling(seconds * rate) - 1);
        while (i / rate < seconds) i++;
        while (i > 0 && (i - 1) / rate >= seconds) i--;
        return i;
    }

    private double Seconds(long timestamp) => (double)(timestamp - Start) / _time.TimestampFrequency;

    private long Ticks(double seconds) => (long)(seconds * _time.TimestampFrequency);
}

/// <summary>One request's turn: when it was due (a timestamp of the pacer's time provider) and whether it is measured.</summary>
public readonly record struct Slot(long Intended, bool Measured);
