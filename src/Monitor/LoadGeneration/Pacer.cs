using System.Diagnostics;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>When each request is due: at once (closed loop) or on a fixed schedule of <c>rate</c> per second shared by all
/// workers (open loop). Latency is measured from the slot's intended time, so a late send counts against the server and the
/// client alike and a stall cannot hide its delay (no coordinated omission).</summary>
/// <remarks>Open loop: slot i is due at start + i/rate; the schedule covers warm-up plus duration, so it holds exactly
/// ⌈rate·(warm-up + duration)⌉ slots, of which those due at or after the warm-up are measured. Closed loop: a slot is
/// handed out whenever a worker asks before the end, and is measured when it starts after the warm-up.</remarks>
public sealed class Pacer
{
    private readonly double? _rate;
    private readonly double _warmupSeconds, _endSeconds;
    private readonly TimeProvider _time;
    private long _next = -1;

    /// <summary>A schedule starting now.</summary>
    public Pacer(double? rate, TimeSpan warmup, TimeSpan duration, TimeProvider? time = null)
    {
        _rate = rate;
        _time = time ?? TimeProvider.System;
        _warmupSeconds = warmup.TotalSeconds;
        _endSeconds = (warmup + duration).TotalSeconds;
        Start = _time.GetTimestamp();
    }

    /// <summary>The schedule's start, a <see cref="Stopwatch"/>-style timestamp of the pacer's time provider.</summary>
    public long Start { get; }

    /// <summary>When measuring starts (after the warm-up).</summary>
    public long MeasureStart => Start + Ticks(_warmupSeconds);

    /// <summary>The next slot, after waiting for its time; null once the schedule is over or <paramref name="cancellationToken"/> fired.</summary>
    public async ValueTask<Slot?> NextAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return null;
        if (_rate is not { } rate)
        {
            double now = Seconds(_time.GetTimestamp());
            return now < _endSeconds ? new Slot(Start + Ticks(now), now >= _warmupSeconds) : null;
        }
        long i = Interlocked.Increment(ref _next);
        double due = i / rate;
        if (due >= _endSeconds) return null;
        long intended = Start + Ticks(due);
        var wait = _time.GetElapsedTime(_time.GetTimestamp(), intended);
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        return new Slot(intended, due >= _warmupSeconds);
    }

    private double Seconds(long timestamp) => (double)(timestamp - Start) / _time.TimestampFrequency;

    private long Ticks(double seconds) => (long)(seconds * _time.TimestampFrequency);
}

/// <summary>One request's turn: when it was due (a timestamp of the pacer's time provider) and whether it is measured.</summary>
public readonly record struct Slot(long Intended, bool Measured);
