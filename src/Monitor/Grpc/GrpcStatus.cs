namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The outcome of a call: a status code and a human-readable detail (sent percent-encoded as <c>grpc-message</c>).</summary>
public readonly record struct GrpcStatus(GrpcStatusCode Code, string Detail)
{
    /// <summary>Success with no detail.</summary>
    public static GrpcStatus Ok => new(GrpcStatusCode.OK, "");

    /// <inheritdoc />
    public override string ToString() => $"Status(StatusCode=\"{Code}\", Detail=\"{Detail}\")";
}
