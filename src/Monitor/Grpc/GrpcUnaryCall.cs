using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>A unary call in flight: await it (or <see cref="ResponseAsync"/>) for the response; headers, status and trailers are available too.</summary>
public sealed class GrpcUnaryCall<TResponse> : IDisposable where TResponse : class
{
    private readonly Func<GrpcStatus> _status;
    private readonly Func<GrpcMetadata> _trailers;
    private readonly Action _dispose;

    internal GrpcUnaryCall(Task<TResponse> response, Task<GrpcMetadata> headers, Func<GrpcStatus> status, Func<GrpcMetadata> trailers, Action dispose)
    {
        ResponseAsync = response;
        ResponseHeadersAsync = headers;
        _status = status;
        _trailers = trailers;
        _dispose = dispose;
    }

    /// <summary>The response; faults with <see cref="GrpcStatusException"/> for any non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    /// <summary>The server's response header metadata.</summary>
    public Task<GrpcMetadata> ResponseHeadersAsync { get; }

    /// <summary>The final status, once <see cref="ResponseAsync"/> has completed.</summary>
    public GrpcStatus GetStatus() => _status();

    /// <summary>The trailing metadata, once <see cref="ResponseAsync"/> has completed.</summary>
    public GrpcMetadata GetTrailers() => _trailers();

    /// <summary>Lets <c>await call</c> mean <c>await call.ResponseAsync</c>.</summary>
    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>Cancels the call if it is still running.</summary>
    public void Dispose() => _dispose();
}

/// <summary>Runs the unary exchange for <see cref="GrpcChannel"/>: one framed request with a known length, one response, trailers.</summary>
internal static class GrpcUnaryExchange
{
    public static GrpcUnaryCall<TResponse> Start<TRequest, TResponse>(GrpcChannel channel, GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions? options)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        var call = new GrpcClientCall<TRequest, TResponse>(channel, method, options);
        return new GrpcUnaryCall<TResponse>(RunAsync(call, request), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
    }

    private static async Task<TResponse> RunAsync<TRequest, TResponse>(GrpcClientCall<TRequest, TResponse> call, TRequest request)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        try
        {
            var content = new ByteArrayContent(call.Frame(request));
            content.Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
            await call.SendAsync(content).ConfigureAwait(false);
            var response = await call.ReadNextAsync(CancellationToken.None).ConfigureAwait(false)
                           ?? throw new GrpcStatusException(GrpcStatusCode.Internal, "The server ended a unary call with OK but sent no response message.");
            if (await call.ReadNextAsync(CancellationToken.None).ConfigureAwait(false) is not null)
                throw new GrpcStatusException(GrpcStatusCode.Internal, "The server sent more than one response message on a unary call.");
            return response;
        }
        catch (Exception e)
        {
            throw call.Fail(e);
        }
        finally
        {
            call.ReleaseTransport();
        }
    }
}
