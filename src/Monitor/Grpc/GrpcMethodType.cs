namespace ProbeMonitor.Monitor.Grpc;

/// <summary>How many messages each side of a call sends.</summary>
public enum GrpcMethodType
{
    /// <summary>One request, one response.</summary>
    Unary,
    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,
    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,
    /// <summary>Both sides stream, independently.</summary>
    DuplexStreaming,
}
