using ProbeMonitor.Monitor.LoadGeneration;
using Xunit;

namespace ProbeMonitor.Monitor.Tests.LoadGeneration;

/// <summary>The open-loop schedule: how many slots, which are measured, and that each is due i/rate after the start.</summary>
public sealed class PacerTests
{
    [Fact]
    public async Task Open_loop_hands_out_exactly_rate_times_duration_slots_on_schedule()
    {
        // 2,000/s for 20 ms of warm-up and 30 ms measured: slots 0..99, of which 40..99 are measured.
        var pacer = new Pacer(2000, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(30));
        var slots = new List<Slot>();
        while (await pacer.NextAsync(CancellationToken.None) is { } slot) slots.Add(slot);
        Assert.Equal(100, slots.Count);
        Assert.Equal(60, slots.Count(s => s.Measured));
        Assert.All(slots.Take(40), s => Assert.False(s.Measured));
        for (int i = 0; i < slots.Count; i++) Assert.Equal(pacer.Start + (long)(i / 2000.0 * TimeProvider.System.TimestampFrequency), slots[i].Intended);
        Assert.Equal(slots[40].Intended, pacer.MeasureStart);
    }

    [Fact]
    public async Task A_cancelled_pacer_hands_out_nothing()
    {
        using var cts = new CancellationTokenSource();
        var pacer = new Pacer(null, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.NotNull(await pacer.NextAsync(cts.Token));
        await cts.CancelAsync();
        Assert.Null(await pacer.NextAsync(cts.Token));
    }
}
