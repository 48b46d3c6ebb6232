using System.Globalization;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Renders a tag value (string, number, bool, enum, null) as label text, invariantly and without allocating where it can.</summary>
/// <remarks>
/// Two tag values are the same label value exactly when their rendered text is equal, so <c>200</c> (boxed int) and
/// <c>"200"</c> land in one series instead of two series that would print identically.
/// </remarks>
public static class LabelValueFormatter
{
    /// <summary>Big enough for any primitive's invariant text; longer renderings fall back to an allocated string.</summary>
    public const int StackBufferLength = 128;

    /// <summary>The label text for <paramref name="value"/>.</summary>
    public static string ToLabelValue(object? value)
    {
        if (value is string s) return s;
        Span<char> buffer = stackalloc char[StackBufferLength];
        var span = Render(value, buffer, out var allocated);
        return allocated ?? new string(span);
    }

    /// <summary>The label text for <paramref name="value"/>: the string itself, text written into <paramref name="buffer"/>,
    /// or (rarely, when the buffer is too small or the type has no span formatting) a new string returned in <paramref name="allocated"/>.</summary>
    public static ReadOnlySpan<char> Render(object? value, Span<char> buffer, out string? allocated)
    {
        allocated = null;
        switch (value)
        {
            case null:
                return [];
            case string s:
                return s;
            case bool b:
                // Prometheus and OpenTelemetry write booleans lower-case; bool.TryFormat would write "True".
                return b ? "true" : "false";
            case ISpanFormattable f when f.TryFormat(buffer, out int written, default, CultureInfo.InvariantCulture):
                return buffer[..written];
            case IFormattable f:
                allocated = f.ToString(null, CultureInfo.InvariantCulture);
                return allocated;
            default:
                allocated = value.ToString() ?? "";
                return allocated;
        }
    }
}
