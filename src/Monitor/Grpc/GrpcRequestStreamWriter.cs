using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The client's request stream of a streaming call: each write frames and flushes one message into the open HTTP/2 request body.</summary>
internal sealed class GrpcRequestStreamWriter<TRequest, TResponse> : IGrpcRequestStreamWriter<TRequest>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcClientCall<TRequest, TResponse> _call;
    private readonly GrpcStreamingRequestContent _content;
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
                // The call is over (server status, reset, deadline): report its status, not the transport's symptom.
                // The frame is not given back to the pool: a write that failed part-way may still be holding it.
                throw _call.Fail(e);
            }
            framed.Dispose();
        }
        finally
        {
            _writing.Release();
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
