using ProbeMonitor.Monitoring;
using ProbeMonitor.TestSupport;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Monitoring;

public sealed class SlidingWindowCountersTests
{
    [Fact]
    public void Count_window_holds_the_newest_whole_sub_windows()
    {
        // 10 sub-windows of 5 records; counter 0 counts records, counter 1 sums the record's index.
        var counters = new SlidingWindowCounters(2, DriftWindow.ByCount(50, 10, 1));
        var totals = new long[2];
        for (int i = 0; i < 137; i++)
        {
            int slot = counters.Enter();
            counters.Add(slot, 0);
            counters.Add(slot, 1, i);
            counters.Exit(slot);

            counters.Snapshot(totals);
            // Records 0..i fall in epochs 0..i/5; the window keeps the newest 10 epochs.
            int firstEpoch = Math.Max(0, i / 5 - 9);
            long expectedCount = 0, expectedSum = 0;
            for (int j = firstEpoch * 5; j <= i; j++) (expectedCount, expectedSum) = (expectedCount + 1, expectedSum + j);
            Assert.Equal(expectedCount, totals[0]);
            Assert.Equal(expectedSum, totals[1]);
        }
    }

    [Fact]
    public void A_run_splits_at_sub_window_boundaries_and_lands_like_single_records()
    {
        var single = new SlidingWindowCounters(2, DriftWindow.ByCount(50, 10, 1));
        var batched = new SlidingWindowCounters(2, DriftWindow.ByCount(50, 10, 1));
        var totals = new long[2];
        var expected = new long[2];
        int next = 0;
        foreach (int size in new[] { 3, 0, 4, 12, 1, 30, 7, 60, 2 })
        {
            for (int i = next; i < next + size; i++)
            {
                int slot = single.Enter();
                single.Add(slot, 0);
                single.Add(slot, 1, i);
                single.Exit(slot);
            }
            var run = batched.StartRun(size);
            var lengths = new List<int>();
            while (run.Next(out int start, out int length, out long epoch))
            {
                // Every record of a run shares an epoch: 5 records each.
                Assert.Equal((next + start) / 5, epoch);
                Assert.Equal((next + start + length - 1) / 5, epoch);
                long sum = 0;
                for (int i = next + start; i < next + start + length; i++) sum += i;
                batched.AddRun(epoch, [length, sum]);
                lengths.Add(length);
            }
            Assert.Equal(size, lengths.Sum());
            next += size;
            single.Snapshot(expected);
            batched.Snapshot(totals);
            Assert.Equal(expected, totals);
        }
        Assert.Throws<ArgumentException>(() => batched.AddRun(0, [1]));
    }

    [Fact]
    public void Time_window_expires_old_records_even_without_new_ones()
    {
        var clock = new ManualTimeProvider();
        var counters = new SlidingWindowCounters(1, DriftWindow.ByTime(TimeSpan.FromSeconds(10), 5, 1, clock)); // 2 s sub-windows
        var totals = new long[1];
        void Record(int n)
        {
            for (int i = 0; i < n; i++)
            {
                int slot = counters.Enter();
                counters.Add(slot, 0);
                counters.Exit(slot);
            }
        }

        Record(3);                                  // epoch 0
        clock.Advance(TimeSpan.FromSeconds(4.5));
        Record(4);                                  // epoch 2
        counters.Snapshot(totals);
        Assert.Equal(7, totals[0]);
        clock.Advance(TimeSpan.FromSeconds(6));     // t = 10.5 s, epoch 5: epoch 0 has left (window 1..5)
        counters.Snapshot(totals);
        Assert.Equal(4, totals[0]);
        clock.Advance(TimeSpan.FromSeconds(4));     // t = 14.5 s, epoch 7: window 3..7, nothing left
        counters.Snapshot(totals);
        Assert.Equal(0, totals[0]);
        Record(2);
        counters.Snapshot(totals);
        Assert.Equal(2, totals[0]);
    }

    [Fact]
    public async Task Concurrent_records_are_all_counted_and_ratios_never_exceed_one()
    {
        // A window large enough for everything: totals must be exact. Counter 0 is bumped by every record before counter 1.
        const int threads = 4, perThread = 20_000;
        var counters = new SlidingWindowCounters(2, DriftWindow.ByCount(threads * perThread, 8, 1));
        using var stop = new CancellationTokenSource();
        bool violated = false;
        var reader = Task.Run(() =>
        {
            var totals = new long[2];
            while (!stop.IsCancellationRequested)
            {
                counters.Snapshot(totals);
                if (totals[1] > totals[0]) violated = true;
            }
        });
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (int i = 0; i < perThread; i++)
            {
                int slot = counters.Enter();
                counters.Add(slot, 0);
                counters.Add(slot, 1);
                counters.Exit(slot);
            }
        });
        stop.Cancel();
        await reader;
        var final = new long[2];
        counters.Snapshot(final);
        Assert.Equal(threads * perThread, final[0]);
        Assert.Equal(threads * perThread, final[1]);
        Assert.False(violated);
    }

    [Fact]
    public void Concurrent_records_through_a_sliding_window_keep_each_record_whole()
    {
        // Many sub-window turnovers while four threads write: each record bumps both counters, so they stay equal,
        // and the window holds between (K − 1) and K sub-windows' worth.
        const int threads = 4, perThread = 25_000, per = 100, k = 6;
        var counters = new SlidingWindowCounters(2, DriftWindow.ByCount(per * k, k, 1));
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            for (int i = 0; i < perThread; i++)
            {
                int slot = counters.Enter();
                counters.Add(slot, 0);
                counters.Add(slot, 1, 2);
                counters.Exit(slot);
            }
        });
        var totals = new long[2];
        counters.Snapshot(totals);
        Assert.Equal(2 * totals[0], totals[1]);
        Assert.InRange(totals[0], (k - 1) * per, k * per);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowCounters(0, DriftWindow.ByCount()));
        var counters = new SlidingWindowCounters(2, DriftWindow.ByCount());
        int slot = counters.Enter();
        Assert.Throws<ArgumentOutOfRangeException>(() => counters.Add(slot, 2));
        counters.Exit(slot);
        Assert.Throws<ArgumentException>(() => counters.Snapshot(new long[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => DriftWindow.ByCount(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DriftWindow.ByCount(5, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => DriftWindow.ByTime(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => DriftWindow.ByCount(100, 10, 0));
    }
}
