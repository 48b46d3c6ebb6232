using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>A streaming call in flight (duplex, client- or server-streaming): write requests, complete them, read responses.</summary>
/// <remarks>Dispose cancels a call that is still running. Reading and writing may run concurrently (full duplex over HTTP/2).</remarks>
public sealed class GrpcStreamingCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcClientCall<TRequest, TResponse> _call;
    private readonly GrpcStreamingRequestContent _content = new();
    private readonly Task _started;
    private bool _reading;

    internal GrpcStreamingCall(GrpcChannel channel, GrpcMethod<TRequest, TResponse> method, GrpcCallOptions? options)
    {
        _call = new GrpcClientCall<TRequest, TResponse>(channel, method, options);
        RequestStream = new GrpcRequestStreamWriter<TRequest, TResponse>(_call, _content);
        _started = StartAsync();
    }

    /// <summary>Where requests go; call <see cref="IGrpcRequestStreamWriter{T}.CompleteAsync"/> after the last one.</summary>
    public IGrpcRequestStreamWriter<TRequest> RequestStream { get; }

    /// <summary>The server's response header metadata.</summary>
    public Task<GrpcMetadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>The responses as they arrive; ends at OK, throws <see cref="GrpcStatusException"/> for any other status. Enumerate once.</summary>
    public async IAsyncEnumerable<TResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_reading) throw new InvalidOperationException("The response stream can be read only once.");
        _reading = true;
        while (true)
        {
            TResponse? next;
            try
            {
                await _started.ConfigureAwait(false);
                next = await _call.ReadNextAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _content.Abort(e);
                throw _call.Fail(e);
            }
            if (next is null)
            {
                _content.Complete();
                yield break;
            }
            yield return next;
        }
    }

    /// <summary>The only response of a client-streaming call (after the requests are complete).</summary>
    public async Task<TResponse> ReadSingleResponseAsync(CancellationToken cancellationToken = default)
    {
        TResponse? single = null;
        await foreach (var response in ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (single is not null)
                throw _call.Fail(new GrpcStatusException(GrpcStatusCode.Internal, "The server sent more than one response message."));
            single = response;
        }
        return single ?? throw _call.Fail(new GrpcStatusException(GrpcStatusCode.Internal, "The server ended the call with OK but sent no response message."));
    }

    /// <summary>The final status, once the responses have been read to the end.</summary>
    public GrpcStatus GetStatus() => _call.GetStatus();

    /// <summary>The trailing metadata, once the responses have been read to the end.</summary>
    public GrpcMetadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it is still running (the server sees RST_STREAM and reports CANCELLED to its handler).</summary>
    public void Dispose()
    {
        _content.Abort(new ObjectDisposedException(nameof(GrpcStreamingCall<TRequest, TResponse>)));
        _call.Dispose();
    }

    private async Task StartAsync()
    {
        await Task.Yield(); // return the call object before the HTTP request starts
        try
        {
            await _call.SendAsync(_content).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _content.Abort(e);
            throw _call.Fail(e);
        }
    }
}
