using ProbeMonitor.Monitor.Grpc;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>One worker's record of the measured requests, per final status: latency (from the intended time) and service time
/// (from the actual send) in ticks, and when the last one ended.</summary>
/// <remarks>Owned by a single worker (no locks on the hot path); <see cref="Merge"/> combines them when the run is over.</remarks>
public sealed class LoadTally
{
    private readonly Dictionary<GrpcStatusCode, (List<long> Latency, List<long> Service)> _byStatus = [];

    /// <summary>The timestamp at which the last recorded request ended (0 before any).</summary>
    public long LastEnd { get; private set; }

    /// <summary>Requests recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Records a request due at <paramref name="intended"/>, sent at <paramref name="sent"/>, that ended at <paramref name="end"/>
    /// with <paramref name="status"/>.</summary>
    public void Record(GrpcStatusCode status, long intended, long sent, long end)
    {
        if (!_byStatus.TryGetValue(status, out var lists)) _byStatus[status] = lists = ([], []);
        lists.Latency.Add(Math.Max(0, end - intended));
        lists.Service.Add(Math.Max(0, end - Math.Max(sent, intended))); // a timer waking a hair early must not make service exceed latency
        if (end > LastEnd) LastEnd = end;
        Count++;
    }

    /// <summary>Latency and service-time ticks per status over all <paramref name="tallies"/>, and the latest end.</summary>
    public static (Dictionary<GrpcStatusCode, (long[] Latency, long[] Service)> ByStatus, long LastEnd) Merge(IEnumerable<LoadTally> tallies)
    {
        var lists = new Dictionary<GrpcStatusCode, (List<long> Latency, List<long> Service)>();
        long last = 0;
        foreach (var t in tallies)
        {
            last = Math.Max(last, t.LastEnd);
            foreach (var (status, ticks) in t._byStatus)
            {
                if (!lists.TryGetValue(status, out var all)) lists[status] = all = ([], []);
                all.Latency.AddRange(ticks.Latency);
                all.Service.AddRange(ticks.Service);
            }
        }
        return (lists.ToDictionary(kv => kv.Key, kv => (kv.Value.Latency.ToArray(), kv.Value.Service.ToArray())), last);
    }
}
