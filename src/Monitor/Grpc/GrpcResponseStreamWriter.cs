using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The server handler's response stream: each write frames one message and, unless told to hold it, flushes.</summary>
internal sealed class GrpcResponseStreamWriter<T>(GrpcServerCall call) : IGrpcStreamWriter<T> where T : class, IMessage<T>
{
    /// <inheritdoc />
    public Task WriteAsync(T message, CancellationToken cancellationToken = default) => WriteAsync(message, flush: true, cancellationToken);

    /// <inheritdoc />
    public Task WriteAsync(T message, bool flush, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteResponseAsync(message, flush, cancellationToken.CanBeCanceled ? cancellationToken : call.Context.CancellationToken);
    }
}
