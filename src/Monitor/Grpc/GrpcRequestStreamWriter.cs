using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The client's request stream of a streaming call: each write frames and flushes one message into the open HTTP/2 request body.</summary>
internal sealed class GrpcRequestStreamWriter<TRequest, TResponse> : IGrpcRequestStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcClientCall<TRequest, TResponse> _call;
    private readonly GrpcStreamingRequestContent _content;
    /// <summary>How long a failed write waits for the response that may carry the server's status (it normally is already there).</summary>
    private static readonly TimeSpan ResponseGrace = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _writing = new(1, 1);
    private bool _completed;

    public GrpcRequestStreamWriter(GrpcClientCall<TRequest, TResponse> call, GrpcStreamingRequestContent content)
    {
        _call = call;
        _content = content;
    }

    /// <inheritdoc />
    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!_writing.Wait(0)) throw new InvalidOperationException("Another write is in progress; await each WriteAsync before the next.");
        try
        {
            if (_completed) throw new InvalidOperationException("The request stream is already complete.");
            GrpcMessageWriter.PooledFrame framed;
            try
            {
                framed = _call.FramePooled(message);
            }
            catch (GrpcStatusException e)
            {
                throw _call.Fail(e);
            }
            // Linking costs an allocation and a registration per message; without a caller token the call's own one will do.
            using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.CancellationToken) : null;
            var token = linked?.Token ?? _call.CancellationToken;
            try
            {
                var opened = _content.RequestStream;
                var stream = opened.IsCompletedSuccessfully ? opened.Result : await opened.WaitAsync(token).ConfigureAwait(false);
                await stream.WriteAsync(framed.Memory, token).ConfigureAwait(false);
                await stream.FlushAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // The call is over (server status, reset, deadline): report its status, not the transport's symptom. A server
                // that answers at once (Trailers-Only, e.g. UNAUTHENTICATED) also resets the request stream, and the reset
                // can reach this write before the response is processed; waiting for the response headers first lets the
                // server's status settle the call instead of a CANCELLED made up from the reset.
                // The frame is not given back to the pool: a write that failed part-way may still be holding it.
                await WaitForResponseAsync().ConfigureAwait(false);
                throw _call.Fail(e);
            }
            framed.Dispose();
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>Waits, briefly, until the response headers have arrived or the call has failed (either ends the wait).</summary>
    private async Task WaitForResponseAsync()
    {
        try
        {
            await _call.ResponseHeadersAsync.WaitAsync(ResponseGrace).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Failed or not there yet: the caller settles the call with what it has.
        }
    }

    /// <inheritdoc />
    public Task CompleteAsync()
    {
        _completed = true;
        _content.Complete();
        return Task.CompletedTask;
    }
}
