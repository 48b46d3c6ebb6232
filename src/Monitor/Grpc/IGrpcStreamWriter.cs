namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Writes a stream of messages; one write at a time (await each before the next).</summary>
public interface IGrpcStreamWriter<in T>
{
    /// <summary>Frames, sends and flushes one message.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>The client's request stream: writes, then a half-close so the server sees the end of the requests.</summary>
public interface IGrpcRequestStreamWriter<in T> : IGrpcStreamWriter<T>
{
    /// <summary>Ends the request stream (END_STREAM); further writes throw.</summary>
    Task CompleteAsync();
}
