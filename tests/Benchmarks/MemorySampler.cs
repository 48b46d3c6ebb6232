using System.Diagnostics;

namespace ProbeMonitor.Benchmarks;

/// <summary>Samples a server process's memory every few seconds in the background until stopped.</summary>
internal sealed class MemorySampler
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<MemorySample> _samples = [];
    private readonly Task _loop;

    private MemorySampler(ServerProcess server, TimeSpan interval)
    {
        long start = Stopwatch.GetTimestamp();
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            do
            {
                var (rss, heap, allocated) = await server.MemoryAsync();
                lock (_samples) _samples.Add(new MemorySample(Stopwatch.GetElapsedTime(start).TotalSeconds, rss, heap, allocated));
            }
            while (await WaitAsync(timer));
        });
    }

    /// <summary>Starts sampling now (the first sample at once, then one per <paramref name="interval"/>).</summary>
    public static MemorySampler Start(ServerProcess server, TimeSpan interval) => new(server, interval);

    /// <summary>Stops and returns the samples, times in seconds since <see cref="Start"/>.</summary>
    public async Task<IReadOnlyList<MemorySample>> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        lock (_samples) return _samples.ToList();
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

/// <summary>One memory reading: seconds since sampling began, resident set, managed heap after the last GC, bytes allocated now.</summary>
internal sealed record MemorySample(double Seconds, long RssBytes, long GcHeapBytes, long AllocatedBytes);
