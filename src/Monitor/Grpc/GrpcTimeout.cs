namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The <c>grpc-timeout</c> header: 1 to 8 ASCII digits followed by a unit, H M S m u n.</summary>
public static class GrpcTimeout
{
    /// <summary>The largest value the header can carry in any unit.</summary>
    public const long MaxValue = 99_999_999;

    /// <summary>Parses a header value; false (and zero) when it is not of the grammar above.</summary>
    public static bool TryParse(ReadOnlySpan<char> value, out TimeSpan timeout)
    {
        timeout = TimeSpan.Zero;
        if (value.Length is < 2 or > 9) return false;
        long amount = 0;
        foreach (char c in value[..^1])
        {
            if (c is < '0' or > '9') return false;
            amount = amount * 10 + (c - '0');
        }
        // 99,999,999 hours is about 11,400 years, inside TimeSpan's range, so no unit below can overflow.
        long ticks = value[^1] switch
        {
            'H' => amount * TimeSpan.TicksPerHour,
            'M' => amount * TimeSpan.TicksPerMinute,
            'S' => amount * TimeSpan.TicksPerSecond,
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * TimeSpan.TicksPerMicrosecond,
            'n' => (amount + 99) / 100, // ticks are 100 ns; round up so a deadline never shrinks to nothing
            _ => -1,
        };
        if (ticks < 0) return false;
        timeout = TimeSpan.FromTicks(ticks);
        return true;
    }

    /// <summary>Formats a timeout in the finest unit that fits in 8 digits, rounding up; non-positive timeouts become "1n".</summary>
    public static string Format(TimeSpan timeout)
    {
        long ticks = timeout.Ticks;
        if (ticks <= 0) return "1n";
        if (ticks <= MaxValue / 100) return $"{ticks * 100}n";
        foreach (var (unitTicks, unit) in Units)
        {
            long amount = (ticks + unitTicks - 1) / unitTicks;
            if (amount <= MaxValue) return $"{amount}{unit}";
        }
        return $"{MaxValue}H";
    }

    private static readonly (long Ticks, char Unit)[] Units =
    [
        (TimeSpan.TicksPerMicrosecond, 'u'),
        (TimeSpan.TicksPerMillisecond, 'm'),
        (TimeSpan.TicksPerSecond, 'S'),
        (TimeSpan.TicksPerMinute, 'M'),
        (TimeSpan.TicksPerHour, 'H'),
    ];
}
