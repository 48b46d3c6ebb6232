namespace ProbeMonitor.TestSupport;

/// <summary>A clock that moves only when a test calls <see cref="Advance"/>, with timers that fire as it passes their due times.</summary>
/// <remarks>Timer callbacks run synchronously on the thread calling <see cref="Advance"/>, outside the provider's lock.</remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly object _lock = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _elapsedTicks;

    /// <summary>A clock starting at <paramref name="start"/> (2025-01-01 UTC by default).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) => _now = start ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock) return _now;
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_lock) return _elapsedTicks;
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers created and not yet disposed that are armed (have a due time).</summary>
    public int ArmedTimers
    {
        get { lock (_lock) return _timers.Count(t => t.Due is not null); }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (_lock) _timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock forward, firing every timer that falls due on the way, in due order.</summary>
    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(by), by, "time only moves forward.");
        long target;
        lock (_lock) target = _elapsedTicks + by.Ticks;
        while (true)
        {
            ManualTimer? next;
            lock (_lock)
            {
                next = _timers.Where(t => t.Due is { } due && due <= target).MinBy(t => t.Due!.Value);
                if (next is null)
                {
                    _now += TimeSpan.FromTicks(target - _elapsedTicks);
                    _elapsedTicks = target;
                    return;
                }
                long due = next.Due!.Value;
                if (due > _elapsedTicks)
                {
                    _now += TimeSpan.FromTicks(due - _elapsedTicks);
                    _elapsedTicks = due;
                }
                next.Due = next.Period > 0 ? due + next.Period : null;
            }
            next.Fire();
        }
    }

    /// <summary>Waits (polling, up to <paramref name="timeout"/>) until at least <paramref name="count"/> timers are armed.</summary>
    public async Task WaitForArmedTimersAsync(int count, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TestTimeouts.Generous);
        while (ArmedTimers < count)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"only {ArmedTimers} of {count} timers were armed in time.");
            await Task.Delay(1);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public long? Due { get; set; }

        public long Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._lock)
            {
                if (!owner._timers.Contains(this)) return false;
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._elapsedTicks + Math.Max(0, dueTime.Ticks);
                Period = period == Timeout.InfiniteTimeSpan || period <= TimeSpan.Zero ? 0 : period.Ticks;
            }
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._lock) owner._timers.Remove(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
