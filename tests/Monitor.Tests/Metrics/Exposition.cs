using System.Globalization;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.Metrics;

/// <summary>A deliberately simple reader of the text format for assertions: sample key (name and label text as printed) to value.</summary>
internal static class Exposition
{
    public static Dictionary<string, double> Samples(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#')) continue;
            int space = line.LastIndexOf(' ');
            var value = line[(space + 1)..] switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                var v => double.Parse(v, CultureInfo.InvariantCulture),
            };
            Assert.True(samples.TryAdd(line[..space], value), $"sample '{line[..space]}' appears twice");
        }
        return samples;
    }

    /// <summary>The names after <c># TYPE</c> with their types.</summary>
    public static Dictionary<string, string> Types(string text) =>
        text.Split('\n')
            .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[2], p => p[3], StringComparer.Ordinal);
}
