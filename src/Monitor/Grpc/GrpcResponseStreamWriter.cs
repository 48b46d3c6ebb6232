using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The server handler's response stream: each write frames, sends and flushes one message.</summary>
internal sealed class GrpcResponseStreamWriter<T>(GrpcServerCall call) : IGrpcStreamWriter<T> where T : class, IMessage<T>
{
    /// <inheritdoc />
    public Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return call.WriteResponseAsync(message, flush: true,
            cancellationToken.CanBeCanceled ? cancellationToken : call.Context.CancellationToken);
    }
}
