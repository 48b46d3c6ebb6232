using System.Globalization;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>Durations written as a number with an optional unit: <c>90</c> or <c>90s</c>, <c>500ms</c>, <c>5m</c>, <c>1h</c>.</summary>
public static class DurationText
{
    /// <summary>Parses <paramref name="text"/>; a bare number is seconds.</summary>
    /// <exception cref="FormatException">Not a non-negative number with one of the units ms, s, m, h.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        (string number, double scale) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (t[..^2], 1e-3),
            _ when t.EndsWith('s') || t.EndsWith('S') => (t[..^1], 1.0),
            _ when t.EndsWith('m') || t.EndsWith('M') => (t[..^1], 60.0),
            _ when t.EndsWith('h') || t.EndsWith('H') => (t[..^1], 3600.0),
            _ => (t, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value * scale > 1e7)
            throw new FormatException($"'{text}' is not a duration: write seconds (90 or 90s), or use ms, m or h (500ms, 5m, 1h).");
        return TimeSpan.FromSeconds(value * scale);
    }

    /// <summary>Writes <paramref name="duration"/> the way <see cref="Parse"/> reads it, in the largest unit that keeps it whole
    /// (10s, 5m, 500ms; 1.5s when not a whole number of milliseconds).</summary>
    public static string Format(TimeSpan duration)
    {
        long ticks = duration.Ticks;
        if (ticks != 0 && ticks % TimeSpan.TicksPerHour == 0) return FormattableString.Invariant($"{ticks / TimeSpan.TicksPerHour}h");
        if (ticks != 0 && ticks % TimeSpan.TicksPerMinute == 0) return FormattableString.Invariant($"{ticks / TimeSpan.TicksPerMinute}m");
        if (ticks % TimeSpan.TicksPerSecond == 0) return FormattableString.Invariant($"{ticks / TimeSpan.TicksPerSecond}s");
        if (ticks % TimeSpan.TicksPerMillisecond == 0) return FormattableString.Invariant($"{ticks / TimeSpan.TicksPerMillisecond}ms");
        return FormattableString.Invariant($"{duration.TotalSeconds:R}s");
    }
}
