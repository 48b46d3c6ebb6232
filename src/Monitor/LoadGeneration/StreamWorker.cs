using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>One worker's ScoreStream load: a writer sends requests as the pacer (and, closed loop, the window) allows; the
/// reader matches responses to requests in order. A stream that ends with an error is replaced by a new one until the
/// schedule is over.</summary>
internal sealed class StreamWorker(GrpcChannel channel, RequestSet requests, Pacer pacer, LoadTally tally, LoadGenOptions options, GrpcMetadata? headers, int worker)
{
    private long _next = worker;
    private Slot? _carried; // a slot taken from the pacer after its stream had ended: the next stream sends it first

    /// <summary>Opens streams one after another until the schedule is over or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && !await SessionAsync(cancellationToken).ConfigureAwait(false)) { }
    }

    /// <summary>One ScoreStream call; true when it ran to the end of the schedule, false when it ended early.</summary>
    private async Task<bool> SessionAsync(CancellationToken cancellationToken)
    {
        var session = new Session(options.Rate is null ? options.StreamWindow : int.MaxValue, cancellationToken);
        try
        {
            using var call = channel.DuplexStreamingCall(ProbeMonitorMethods.ScoreStream, new GrpcCallOptions
            {
                Headers = headers,
                Deadline = DateTime.UtcNow + options.Warmup + options.Duration + options.Timeout,
                CancellationToken = cancellationToken,
            });
            var writer = WriteAsync(call, session, cancellationToken);
            var status = GrpcStatusCode.OK;
            try
            {
                await foreach (var _ in call.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    var (slot, sent) = session.Answered();
                    if (slot.Measured) tally.Record(GrpcStatusCode.OK, slot.Intended, sent, TimeProvider.System.GetTimestamp());
                }
            }
            catch (GrpcStatusException e)
            {
                status = e.StatusCode;
            }
            long end = TimeProvider.System.GetTimestamp();
            var unanswered = session.End();
            if (!cancellationToken.IsCancellationRequested)
                foreach (var (slot, sent) in unanswered)
                    if (slot.Measured) tally.Record(status == GrpcStatusCode.OK ? GrpcStatusCode.Internal : status, slot.Intended, sent, end);
            return await writer.ConfigureAwait(false);
        }
        finally
        {
            session.Dispose();
        }
    }

    /// <summary>Sends until the schedule ends (then completes the request stream and returns true) or the stream does (false).</summary>
    private async Task<bool> WriteAsync(GrpcStreamingCall<ScoreRequest, ScoreResponse> call, Session session, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                await session.Window.WaitAsync(session.Ended).ConfigureAwait(false);
                var slot = _carried ?? await pacer.NextAsync(cancellationToken).ConfigureAwait(false);
                _carried = null;
                if (slot is null)
                {
                    await call.RequestStream.CompleteAsync().ConfigureAwait(false);
                    return true;
                }
                if (!session.TrySend(slot.Value, TimeProvider.System.GetTimestamp()))
                {
                    _carried = slot;
                    return false;
                }
                var request = requests[_next];
                _next += options.Concurrency;
                await call.RequestStream.WriteAsync(request, session.Ended).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is GrpcStatusException or OperationCanceledException)
        {
            return false; // the call is over: the reader has, or will have, its status
        }
        catch
        {
            call.Dispose(); // an unexpected failure: reset the call so the reader does not wait for answers that cannot come
            return false;
        }
    }

    /// <summary>The requests of one stream awaiting answers, in order, and the window of those allowed in flight.</summary>
    private sealed class Session(int window, CancellationToken cancellationToken) : IDisposable
    {
        private readonly Queue<(Slot Slot, long Sent)> _pending = new();
        private readonly CancellationTokenSource _ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        private bool _over;

        public SemaphoreSlim Window { get; } = new(window, int.MaxValue);

        /// <summary>Fires when the stream has ended (or the run was cancelled).</summary>
        public CancellationToken Ended => _ended.Token;

        /// <summary>Queues a request about to be written (at <paramref name="sent"/>); false when the stream has already ended.</summary>
        public bool TrySend(Slot slot, long sent)
        {
            lock (_pending)
            {
                if (_over) return false;
                _pending.Enqueue((slot, sent));
                return true;
            }
        }

        /// <summary>The oldest request and when it was sent, now answered.</summary>
        public (Slot Slot, long Sent) Answered()
        {
            (Slot, long) slot;
            lock (_pending)
            {
                if (!_pending.TryDequeue(out slot))
                    throw new GrpcStatusException(GrpcStatusCode.Internal, "the server sent more responses than requests on a ScoreStream call.");
            }
            Window.Release();
            return slot;
        }

        /// <summary>Marks the stream over and returns the requests it never answered.</summary>
        public List<(Slot Slot, long Sent)> End()
        {
            List<(Slot, long)> left;
            lock (_pending)
            {
                _over = true;
                left = [.. _pending];
                _pending.Clear();
            }
            _ended.Cancel();
            return left;
        }

        public void Dispose()
        {
            _ended.Dispose();
            Window.Dispose();
        }
    }
}
