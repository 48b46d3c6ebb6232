namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Writes a stream of messages; one write at a time (await each before the next).</summary>
public interface IGrpcStreamWriter<in T>
{
    /// <summary>Frames, sends and flushes one message.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);

    /// <summary>Frames one message and sends it at once when <paramref name="flush"/> is true; otherwise it may wait in the
    /// send buffer for the next flushed write or the end of the call, so messages ready together go out in one flush.</summary>
    /// <remarks>Writers that cannot hold a message back flush every write (the default).</remarks>
    Task WriteAsync(T message, bool flush, CancellationToken cancellationToken = default) => WriteAsync(message, cancellationToken);
}

/// <summary>The client's request stream: writes, then a half-close so the server sees the end of the requests.</summary>
public interface IGrpcRequestStreamWriter<in T> : IGrpcStreamWriter<T>
{
    /// <summary>Ends the request stream (END_STREAM); further writes throw.</summary>
    Task CompleteAsync();
}
