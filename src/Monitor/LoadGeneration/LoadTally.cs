using ProbeMonitor.Monitor.Grpc;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>One worker's record of the measured requests: latency ticks per final status, and when the last one ended.</summary>
/// <remarks>Owned by a single worker (no locks on the hot path); <see cref="Merge"/> combines them when the run is over.</remarks>
public sealed class LoadTally
{
    private readonly Dictionary<GrpcStatusCode, List<long>> _byStatus = [];

    /// <summary>The timestamp at which the last recorded request ended (0 before any).</summary>
    public long LastEnd { get; private set; }

    /// <summary>Requests recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Records a request that ended at <paramref name="end"/> with <paramref name="status"/>, due at <paramref name="intended"/>.</summary>
    public void Record(GrpcStatusCode status, long intended, long end)
    {
        if (!_byStatus.TryGetValue(status, out var list)) _byStatus[status] = list = [];
        list.Add(Math.Max(0, end - intended));
        if (end > LastEnd) LastEnd = end;
        Count++;
    }

    /// <summary>Latency ticks per status over all <paramref name="tallies"/>, and the latest end.</summary>
    public static (Dictionary<GrpcStatusCode, long[]> ByStatus, long LastEnd) Merge(IEnumerable<LoadTally> tallies)
    {
        var lists = new Dictionary<GrpcStatusCode, List<long>>();
        long last = 0;
        foreach (var t in tallies)
        {
            last = Math.Max(last, t.LastEnd);
            foreach (var (status, ticks) in t._byStatus)
            {
                if (!lists.TryGetValue(status, out var all)) lists[status] = all = [];
                all.AddRange(ticks);
            }
        }
        return (lists.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()), last);
    }
}
