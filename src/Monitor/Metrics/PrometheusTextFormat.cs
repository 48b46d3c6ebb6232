using System.Globalization;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>Writes metric families in the Prometheus text exposition format 0.0.4.</summary>
/// <remarks>
/// Output is deterministic: families in ordinal name order, series in <see cref="LabelSet"/> order, histogram buckets
/// cumulative and ending with <c>le="+Inf"</c> equal to <c>_count</c>. Families without series are left out.
/// </remarks>
public static class PrometheusTextFormat
{
    /// <summary>The Content-Type of a 0.0.4 exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>The exposition as a string.</summary>
    public static string Write(IEnumerable<MetricFamily> families)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, families);
        return writer.ToString();
    }

    /// <summary>Writes the exposition to <paramref name="writer"/>.</summary>
    /// <exception cref="ArgumentException">Two families share a name, a name is invalid, or a histogram's series disagree with its layout.</exception>
    public static void Write(TextWriter writer, IEnumerable<MetricFamily> families)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(families);
        var ordered = families.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        for (int i = 1; i < ordered.Count; i++)
            if (ordered[i].Name == ordered[i - 1].Name)
                throw new ArgumentException($"two metric families are both named '{ordered[i].Name}'.", nameof(families));
        foreach (var family in ordered)
            WriteFamily(writer, family);
    }

    /// <summary>A sample value as Prometheus parses it: shortest round-trip text, <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A label value with <c>\</c>, <c>"</c> and line feed escaped as the format requires.</summary>
    public static string EscapeLabelValue(string value) =>
        value.AsSpan().IndexOfAny('\\', '"', '\n') < 0
            ? value
            : value.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    /// <summary>HELP text with <c>\</c> and line feed escaped (quotes stay as they are in HELP).</summary>
    public static string EscapeHelp(string help) =>
        help.AsSpan().IndexOfAny('\\', '\n') < 0
            ? help
            : help.Replace("\\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    private static void WriteFamily(TextWriter w, MetricFamily family)
    {
        if (family.Points.Count == 0) return;
        if (!MetricNaming.IsValidMetricName(family.Name))
            throw new ArgumentException($"'{family.Name}' is not a valid metric name.", nameof(family));
        if (family.Help.Length > 0)
            w.Write($"# HELP {family.Name} {EscapeHelp(family.Help)}\n");
        w.Write($"# TYPE {family.Name} {TypeName(family.Type)}\n");

        var points = family.Points.OrderBy(p => p.Labels).ToList();
        for (int i = 1; i < points.Count; i++)
            if (points[i].Labels.Equals(points[i - 1].Labels))
                throw new ArgumentException($"metric '{family.Name}' has two series with labels {points[i].Labels}.", nameof(family));

        foreach (var point in points)
        {
            if (family.Type == PrometheusMetricType.Histogram)
                WriteHistogram(w, family, point);
            else
                WriteSample(w, family.Name, point.Labels, null, FormatValue(point.Value));
        }
    }

    private static void WriteHistogram(TextWriter w, MetricFamily family, MetricPoint point)
    {
        var layout = family.Buckets
            ?? throw new ArgumentException($"histogram '{family.Name}' has no bucket layout.", nameof(family));
        var counts = point.BucketCounts;
        if (counts is null || counts.Count != layout.Count + 1)
            throw new ArgumentException(
                $"histogram '{family.Name}' series {point.Labels} has {counts?.Count ?? 0} bucket counts; its layout needs {layout.Count + 1} (+Inf included).",
                nameof(family));
        if (point.Labels.IndexOfName("le", 0) >= 0)
            throw new ArgumentException($"histogram '{family.Name}' series {point.Labels} uses the reserved label 'le'.", nameof(family));

        var bucketName = family.Name + "_bucket";
        long cumulative = 0;
        for (int b = 0; b < layout.Count; b++)
        {
            cumulative += counts[b];
            WriteSample(w, bucketName, point.Labels, layout.LabelAt(b), cumulative.ToString(CultureInfo.InvariantCulture));
        }
        cumulative += counts[layout.Count];
        WriteSample(w, bucketName, point.Labels, "+Inf", cumulative.ToString(CultureInfo.InvariantCulture));
        WriteSample(w, family.Name + "_sum", point.Labels, null, FormatValue(point.Value));
        WriteSample(w, family.Name + "_count", point.Labels, null, cumulative.ToString(CultureInfo.InvariantCulture));
    }

    private static void WriteSample(TextWriter w, string name, LabelSet labels, string? le, string value)
    {
        w.Write(name);
        if (labels.Count > 0 || le is not null)
        {
            w.Write('{');
            for (int i = 0; i < labels.Count; i++)
            {
                if (i > 0) w.Write(',');
                w.Write(labels.NameAt(i));
                w.Write("=\"");
                w.Write(EscapeLabelValue(labels.ValueAt(i)));
                w.Write('"');
            }
            if (le is not null)
            {
                if (labels.Count > 0) w.Write(',');
                w.Write("le=\"");
                w.Write(le);
                w.Write('"');
            }
            w.Write('}');
        }
        w.Write(' ');
        w.Write(value);
        w.Write('\n');
    }

    private static string TypeName(PrometheusMetricType type) => type switch
    {
        PrometheusMetricType.Counter => "counter",
        PrometheusMetricType.Gauge => "gauge",
        PrometheusMetricType.Histogram => "histogram",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown metric type"),
    };
}
