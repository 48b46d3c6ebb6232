using System.Diagnostics;
using ProbeMonitor.Monitor.LoadGeneration;
using Xunit;
using static ProbeMonitor.TestSupport.TestTimeouts;

namespace ProbeMonitor.Monitor.Tests.LoadGeneration;

/// <summary>The pacer's clock: a wait never ends before its time, waits added out of order each end at their own time, a
/// passed time completes at once, and cancellation ends a wait early. (How late a wait ends is the benchmark's business.)</summary>
public sealed class PreciseDelayTests
{
    [Fact]
    public async Task Waits_added_out_of_order_never_end_before_their_own_time()
    {
        long start = Stopwatch.GetTimestamp();
        long Ms(double ms) => start + (long)(ms * Stopwatch.Frequency / 1000);
        var offsets = new[] { 30.0, 5, 20, 1, 12, 25, 8, 3 };
        var waits = offsets.Select(async ms =>
        {
            long due = Ms(ms);
            await PreciseDelay.UntilAsync(due);
            return (Due: due, Ended: Stopwatch.GetTimestamp());
        }).ToArray();

        foreach (var (due, ended) in await Task.WhenAll(waits).WaitAsync(Generous))
            Assert.True(ended >= due, $"a wait ended {(due - ended) * 1e6 / Stopwatch.Frequency:F0} µs before its time");
    }

    [Fact]
    public void A_time_already_passed_completes_at_once()
    {
        Assert.True(PreciseDelay.UntilAsync(Stopwatch.GetTimestamp() - 1).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Cancellation_ends_a_wait_early_and_a_cancelled_token_is_refused_at_once()
    {
        using var cts = new CancellationTokenSource();
        var wait = PreciseDelay.UntilAsync(Stopwatch.GetTimestamp() + Stopwatch.Frequency * 3600, cts.Token);
        Assert.False(wait.IsCompleted);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Generous));
        Assert.True(PreciseDelay.UntilAsync(Stopwatch.GetTimestamp() + Stopwatch.Frequency, cts.Token).IsCanceled);
    }
}
