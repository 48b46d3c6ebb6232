using System.Diagnostics;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>Waits that end at a <see cref="Stopwatch"/> timestamp to within about a quarter of a millisecond, served by one
/// dedicated thread that sleeps with <see cref="PreciseClock"/>: the open-loop pacer's clock.</summary>
/// <remarks>The thread sleeps until the earliest pending wait but never longer than <see cref="MaxSleepMicroseconds"/>, so a
/// wait added with an earlier time is served that late at worst; with nothing pending it blocks and costs nothing. A wait's
/// continuation runs on the thread pool, never on the pacing thread.</remarks>
internal static class PreciseDelay
{
    /// <summary>The longest single sleep while waits are pending.</summary>
    public const int MaxSleepMicroseconds = 250;

    private static readonly long MaxSleepTicks = Stopwatch.Frequency * MaxSleepMicroseconds / 1_000_000;
    private static readonly PriorityQueue<Waiter, long> Pending = new();
    private static readonly object Gate = new();
    private static Thread? s_thread;

    /// <summary>Completes at <paramref name="timestamp"/> (at once if it has passed), or as cancelled when <paramref name="cancellationToken"/> fires first.</summary>
    public static Task UntilAsync(long timestamp, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        if (Stopwatch.GetTimestamp() >= timestamp) return Task.CompletedTask;
        var waiter = new Waiter(cancellationToken);
        lock (Gate)
        {
            Pending.Enqueue(waiter, timestamp);
            if (s_thread is null)
            {
                s_thread = new Thread(Run) { IsBackground = true, Name = "loadgen pacer" };
                s_thread.Start();
            }
            else
            {
                System.Threading.Monitor.Pulse(Gate);
            }
        }
        return waiter.Task;
    }

    private static void Run()
    {
        while (true)
        {
            long wake;
            lock (Gate)
            {
                while (Pending.Count == 0) System.Threading.Monitor.Wait(Gate);
                long now = Stopwatch.GetTimestamp();
                // Due waits end; cancelled ones at the head are dropped, so a cancelled wait far ahead keeps no one polling.
                while (Pending.TryPeek(out var first, out long at) && (at <= now || first.Task.IsCompleted))
                {
                    Pending.Dequeue();
                    first.Complete();
                }
                if (!Pending.TryPeek(out _, out long head)) continue;
                wake = Math.Min(head, now + MaxSleepTicks);
            }
            PreciseClock.SleepUntil(wake);
        }
    }

    /// <summary>One pending wait; its cancellation registration is released when it ends either way.</summary>
    private sealed class Waiter
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationToken _cancellationToken;
        private readonly CancellationTokenRegistration _registration;

        public Waiter(CancellationToken cancellationToken)
        {
            _cancellationToken = cancellationToken;
            if (cancellationToken.CanBeCanceled)
                _registration = cancellationToken.Register(static s => ((Waiter)s!).Cancel(), this);
        }

        public Task Task => _done.Task;

        public void Complete()
        {
            _done.TrySetResult();
            _registration.Dispose();
        }

        private void Cancel()
        {
            // Stays in the queue until its time comes; completing it then is a no-op.
            _done.TrySetCanceled(_cancellationToken);
        }
    }
}
