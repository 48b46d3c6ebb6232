namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Prometheus naming rules: metric and label name sanitisation, unit suffixes and the counter <c>_total</c> suffix.</summary>
/// <remarks>
/// The convention in this project is that instruments are named exactly as exported
/// (<c>probemon_request_duration_seconds</c> with unit <c>s</c>), so for them every rule here is the identity; the rules exist
/// so that an instrument named the OpenTelemetry way (<c>probemon.request.duration</c>, unit <c>s</c>) still exports a valid,
/// lint-clean name instead of a broken exposition.
/// </remarks>
public static class MetricNaming
{
    /// <summary>Whether <paramref name="name"/> is already a valid metric name without colons: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    /// <remarks>Colons are legal in the grammar but reserved for recording rules, so an exporter must not produce them.</remarks>
    public static bool IsValidMetricName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || char.IsAsciiDigit(name[0])) return false;
        foreach (var c in name)
            if (!IsNameChar(c)) return false;
        return true;
    }

    /// <summary>Whether <paramref name="name"/> is a valid, non-reserved label name: <c>[a-zA-Z_][a-zA-Z0-9_]*</c> not starting with <c>__</c>.</summary>
    public static bool IsValidLabelName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || char.IsAsciiDigit(name[0])) return false;
        if (name.Length >= 2 && name[0] == '_' && name[1] == '_') return false;
        foreach (var c in name)
            if (!IsNameChar(c)) return false;
        return true;
    }

    /// <summary>Maps any text to a valid metric name: other characters become <c>_</c>, a leading digit gets a <c>_</c> prefix.</summary>
    public static string SanitizeMetricName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsValidMetricName(name)) return name;
        if (name.Length == 0) throw new ArgumentException("an instrument name must not be empty.", nameof(name));
        var prefix = char.IsAsciiDigit(name[0]) ? "_" : "";
        return string.Create(prefix.Length + name.Length, (name, prefix), static (dest, s) =>
        {
            s.prefix.CopyTo(dest);
            var body = dest[s.prefix.Length..];
            for (int i = 0; i < s.name.Length; i++) body[i] = IsNameChar(s.name[i]) ? s.name[i] : '_';
        });
    }

    /// <summary>Maps a tag key to a valid label name (OpenTelemetry's rule): other characters become <c>_</c>;
    /// a leading digit gets <c>key_</c> and a reserved leading <c>__</c> gets <c>key</c> in front.</summary>
    public static string SanitizeLabelName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsValidLabelName(name)) return name;
        var length = SanitizedLabelNameLength(name);
        Span<char> chars = length <= 256 ? stackalloc char[length] : new char[length];
        WriteSanitizedLabelName(name, chars);
        return new string(chars);
    }

    /// <summary>The length of <paramref name="raw"/> after <see cref="SanitizeLabelName"/>.</summary>
    public static int SanitizedLabelNameLength(ReadOnlySpan<char> raw) => LabelPrefix(raw).Length + raw.Length;

    /// <summary>Writes the sanitised label name into <paramref name="destination"/> (at least <see cref="SanitizedLabelNameLength"/> long) and returns its length.</summary>
    /// <remarks>Span-based so the hot path can compare an unusual tag key with a stored label name without allocating.</remarks>
    public static int WriteSanitizedLabelName(ReadOnlySpan<char> raw, Span<char> destination)
    {
        var prefix = LabelPrefix(raw);
        prefix.CopyTo(destination);
        var body = destination[prefix.Length..];
        for (int i = 0; i < raw.Length; i++) body[i] = IsNameChar(raw[i]) ? raw[i] : '_';
        return prefix.Length + raw.Length;
    }

    /// <summary>The Prometheus name suffix for a UCUM-style instrument unit, or null when the unit adds none.</summary>
    /// <remarks>Annotations such as <c>{request}</c> and unknown units add nothing; <c>1</c> means ratio only for gauges (as OpenTelemetry maps it).</remarks>
    public static string? UnitSuffix(string? unit, PrometheusMetricType type) => unit switch
    {
        null or "" => null,
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "min" => "minutes",
        "h" => "hours",
        "d" => "days",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "%" => "percent",
        "1" when type == PrometheusMetricType.Gauge => "ratio",
        _ => null,
    };

    /// <summary>The exported family name: sanitised, unit suffix appended unless already present, <c>_total</c> for counters.</summary>
    public static string ExportedName(string instrumentName, string? unit, PrometheusMetricType type)
    {
        var name = SanitizeMetricName(instrumentName);
        bool isCounter = type == PrometheusMetricType.Counter;
        var stem = isCounter && name.EndsWith("_total", StringComparison.Ordinal) ? name[..^"_total".Length] : name;
        if (UnitSuffix(unit, type) is { } suffix && !stem.EndsWith("_" + suffix, StringComparison.Ordinal) && stem != suffix)
            stem = stem + "_" + suffix;
        return isCounter ? stem + "_total" : stem;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static ReadOnlySpan<char> LabelPrefix(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty) return "key_";
        if (char.IsAsciiDigit(raw[0])) return "key_";
        if (raw.Length >= 2 && raw[0] == '_' && raw[1] == '_') return "key";
        return "";
    }
}
