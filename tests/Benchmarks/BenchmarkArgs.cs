using System.Globalization;

namespace ProbeMonitor.Benchmarks;

/// <summary>"--name value" options of a benchmark verb, with defaults; a malformed value names its option.</summary>
internal sealed class BenchmarkArgs(string[] args)
{
    public string? String(string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    public bool Flag(string name) => Array.IndexOf(args, name) >= 0;

    public double Double(string name, double fallback) => String(name) is { } v
        ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : throw new FormatException($"{name} '{v}' is not a number.")
        : fallback;

    public int Int(string name, int fallback) => String(name) is { } v
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException($"{name} '{v}' is not an integer.")
        : fallback;

    /// <summary>The server options among <paramref name="names"/> that were given, as "--name value" pairs to pass on.</summary>
    public List<string> PassThrough(params string[] names)
    {
        var list = new List<string>();
        foreach (var name in names)
            if (String(name) is { } v) list.AddRange([name, v]);
        return list;
    }
}
