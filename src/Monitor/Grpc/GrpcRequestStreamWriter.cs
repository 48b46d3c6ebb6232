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
            byte[] framed;
            try
            {
                framed = _call.Frame(message);
            }
            catch (GrpcStatusException e)
            {
                throw _call.Fail(e);
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.CancellationToken);
            try
            {
                var stream = await _content.RequestStream.WaitAsync(linked.Token).ConfigureAwait(false);
                await stream.WriteAsync(framed, linked.Token).ConfigureAwait(false);
                await stream.FlushAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // The call is over (server status, reset, deadline): report its status, not the transport's symptom.
                throw _call.Fail(e);
            }
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
