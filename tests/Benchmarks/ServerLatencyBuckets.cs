using System.Globalization;

namespace ProbeMonitor.Benchmarks;

/// <summary>The counts a phase added to one of the sidecar's latency histograms (its own /metrics buckets read before and
/// after), and the bucket bounds holding its quantiles: the server's view of a phase, which a saturated client cannot blur.</summary>
internal sealed record ServerLatencyBuckets(IReadOnlyList<(double Upper, double Count)> Cumulative)
{
    private const string Duration = "probemon_request_duration_seconds";

    /// <summary>Reads <c>probemon_request_duration_seconds</c> for the series whose labels include all of <paramref name="labels"/>
    /// (e.g. <c>method="Score"</c>, <c>status="ResourceExhausted"</c>), summed.</summary>
    public static async Task<SortedDictionary<double, double>> ReadAsync(ServerProcess server, params string[] labels) =>
        await server.HistogramAsync(Duration, labels);

    /// <summary>What was counted between two readings.</summary>
    public static ServerLatencyBuckets Between(SortedDictionary<double, double> before, SortedDictionary<double, double> after) =>
        new(after.Select(kv => (kv.Key, kv.Value - before.GetValueOrDefault(kv.Key))).ToList());

    /// <summary>Requests counted.</summary>
    public double Count => Cumulative.Count == 0 ? 0 : Cumulative[^1].Count;

    /// <summary>The upper bound (seconds) of the first bucket holding at least <paramref name="q"/> of the requests; infinity
    /// past the last finite bound, NaN when nothing was counted.</summary>
    public double UpperBound(double q) => Count <= 0 ? double.NaN : Cumulative.First(c => c.Count >= q * Count).Upper;

    /// <summary>The share of requests counted in buckets up to <paramref name="bound"/> seconds (which must be a bucket bound).</summary>
    public double ShareWithin(double bound) =>
        Count <= 0 ? double.NaN : Cumulative.Where(c => c.Upper <= bound).Select(c => c.Count).DefaultIfEmpty(0).Max() / Count;

    /// <summary>"≤ 0.5 ms" for a quantile's bucket bound, "> last" past the last finite one, "n/a" when nothing was counted.</summary>
    public string Describe(double q) => UpperBound(q) switch
    {
        double.NaN => "n/a",
        var u when double.IsInfinity(u) => "> last",
        var u => string.Create(CultureInfo.InvariantCulture, $"≤ {u * 1e3:G3} ms"),
    };
}
