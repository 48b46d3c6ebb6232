using ProbeMonitor.Monitor.LoadGeneration;
using ProbeMonitor.TestSupport;
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
        Assert.Equal((60L, 0L), (pacer.MeasuredScheduled, pacer.MeasuredUnsent));
    }

    [Fact]
    public async Task A_client_behind_the_schedule_sends_overdue_slots_at_once_until_the_cutoff()
    {
        // 10/s for 1 s + 2 s: 30 slots, 20 measured. The client wakes 2 s late: everything due by then comes at once.
        var time = new ManualTimeProvider();
        var pacer = new Pacer(10, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), time);
        time.Advance(TimeSpan.FromSeconds(2));
        var overdue = new List<Slot>();
        for (int i = 0; i < 20; i++) overdue.Add((await pacer.NextAsync(CancellationToken.None))!.Value);
        for (int i = 0; i < 20; i++) Assert.InRange(overdue[i].Intended - (pacer.Start + i * TimeSpan.TicksPerSecond / 10), -1, 1); // due i/10 s after the start
        Assert.Equal(10, overdue.Count(s => s.Measured));

        // Then it stalls until past the schedule's end plus the cutoff: the rest are never handed out, and are counted.
        time.Advance(TimeSpan.FromSeconds(1) + Pacer.LateCutoff);
        Assert.Null(await pacer.NextAsync(CancellationToken.None));
        Assert.Equal((20L, 10L), (pacer.MeasuredScheduled, pacer.MeasuredUnsent));
    }

    [Theory]
    [InlineData(3.0, 0.1, 0.2, 0)]   // only slot 0 (due at 0, in the warm-up); slot 1 is due after the end
    [InlineData(7.0, 0.5, 1.0, 7)]   // i/7 in [0.5, 1.5): i = 4..10
    [InlineData(1000.0, 0.25, 0.5, 500)]
    [InlineData(0.5, 0, 10, 5)]      // i/0.5 < 10: i = 0..4
    public void The_measured_schedule_counts_slots_due_in_the_measured_span(double rate, double warmup, double duration, long expected)
    {
        // Reference: walk the slots one by one with the schedule's own test.
        long walked = 0;
        for (long i = 0; i / rate < warmup + duration; i++)
            if (i / rate >= warmup) walked++;
        Assert.Equal(expected, walked);
        Assert.Equal(expected, new Pacer(rate, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(duration)).MeasuredScheduled);
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
