namespace ProbeMonitor.Monitor.Tests.Dashboards;

/// <summary>What a scrape of the sidecar exposes: metric families with their types, and the series names (with their
/// label names) that actually carry samples, read from the text exposition format.</summary>
internal sealed class ExportedMetrics
{
    private readonly Dictionary<string, string> _familyTypes;
    private readonly Dictionary<string, HashSet<string>> _seriesLabels;

    private ExportedMetrics(Dictionary<string, string> familyTypes, Dictionary<string, HashSet<string>> seriesLabels)
    {
        _familyTypes = familyTypes;
        _seriesLabels = seriesLabels;
    }

    /// <summary>Family name to Prometheus type (counter, gauge, histogram, ...), from the <c># TYPE</c> lines.</summary>
    public IReadOnlyDictionary<string, string> FamilyTypes => _familyTypes;

    /// <summary>Every series name that has at least one sample, e.g. <c>probemon_batch_size_bucket</c>.</summary>
    public IReadOnlyCollection<string> SeriesNames => _seriesLabels.Keys;

    /// <summary>Parses a text exposition (format 0.0.4).</summary>
    public static ExportedMetrics Parse(string exposition)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var series = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var raw in exposition.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                types[parts[2]] = parts[3];
                continue;
            }
            if (line.StartsWith('#')) continue;
            int nameEnd = line.IndexOfAny(['{', ' ']);
            var name = line[..nameEnd];
            if (!series.TryGetValue(name, out var labels)) series[name] = labels = new HashSet<string>(StringComparer.Ordinal);
            if (line[nameEnd] == '{') labels.UnionWith(LabelNames(line, nameEnd));
        }
        return new ExportedMetrics(types, series);
    }

    /// <summary>The family a series name belongs to and that family's type, or null when no exported family owns it.</summary>
    public (string Family, string Type)? FamilyOf(string seriesName)
    {
        if (_familyTypes.TryGetValue(seriesName, out var type)) return (seriesName, type);
        foreach (var suffix in new[] { "_bucket", "_sum", "_count", "_total" })
        {
            if (!seriesName.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var family = seriesName[..^suffix.Length];
            if (!_familyTypes.TryGetValue(family, out var familyType)) continue;
            bool fits = (suffix, familyType) switch
            {
                ("_bucket", "histogram") => true,
                ("_sum" or "_count", "histogram" or "summary") => true,
                ("_total", "counter") => true, // OpenMetrics-style family name without the suffix
                _ => false,
            };
            if (fits) return (family, familyType);
        }
        return null;
    }

    /// <summary>Null when a query can select <paramref name="seriesName"/> with matchers on <paramref name="labels"/>;
    /// otherwise why not, in words that point at the fix.</summary>
    public string? Problem(string seriesName, IEnumerable<string> labels)
    {
        if (!_seriesLabels.TryGetValue(seriesName, out var present))
        {
            if (_familyTypes.TryGetValue(seriesName, out var type) && type is "histogram" or "summary")
                return $"{seriesName} is a {type}: it has no series of that name, only {seriesName}_bucket/_sum/_count";
            if (_familyTypes.TryGetValue(seriesName + "_total", out var counter) && counter == "counter")
                return $"{seriesName} is exported as the counter {seriesName}_total";
            if (FamilyOf(seriesName) is { } owner)
                return $"{seriesName} belongs to the {owner.Type} {owner.Family} but no sample of it was exposed";
            return $"{seriesName} is not exported by the sidecar";
        }
        var missing = labels.Where(l => !present.Contains(l)).ToList();
        return missing.Count == 0 ? null
            : $"{seriesName} has no label(s) {string.Join(", ", missing)}; it has {string.Join(", ", present.Order())}";
    }

    private static IEnumerable<string> LabelNames(string line, int open)
    {
        int i = open + 1;
        while (i < line.Length && line[i] != '}')
        {
            if (line[i] == ',') { i++; continue; }
            int eq = line.IndexOf('=', i);
            yield return line[i..eq];
            i = eq + 2; // past ="
            while (line[i] != '"') i += line[i] == '\\' ? 2 : 1;
            i++;
        }
    }
}
