namespace ProbeMonitor.Monitor.Grpc;

/// <summary>A call that ended with a non-OK status; thrown by the client, and by server handlers to choose the status they return.</summary>
public sealed class GrpcStatusException : Exception
{
    /// <summary>Creates the exception; <paramref name="trailers"/> travel as custom trailing metadata when a handler throws it.</summary>
    public GrpcStatusException(GrpcStatusCode statusCode, string detail, GrpcMetadata? trailers = null, Exception? innerException = null)
        : base(new GrpcStatus(statusCode, detail).ToString(), innerException)
    {
        StatusCode = statusCode;
        Detail = detail;
        Trailers = trailers ?? new GrpcMetadata();
    }

    /// <summary>The status code.</summary>
    public GrpcStatusCode StatusCode { get; }

    /// <summary>The status detail (the decoded <c>grpc-message</c>).</summary>
    public string Detail { get; }

    /// <summary>The custom trailing metadata of the call.</summary>
    public GrpcMetadata Trailers { get; }

    /// <summary>Code and detail together.</summary>
    public GrpcStatus Status => new(StatusCode, Detail);
}
