using System.Net;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The statuses a client synthesizes when the transport, not the server, ends a call (PROTOCOL-HTTP2.md and http-grpc-status-mapping.md).</summary>
internal static class GrpcClientErrors
{
    /// <summary>The status for a response whose HTTP status is not 200.</summary>
    public static GrpcStatus FromHttpStatus(HttpStatusCode status)
    {
        var code = status switch
        {
            HttpStatusCode.BadRequest => GrpcStatusCode.Internal,
            HttpStatusCode.Unauthorized => GrpcStatusCode.Unauthenticated,
            HttpStatusCode.Forbidden => GrpcStatusCode.PermissionDenied,
            HttpStatusCode.NotFound => GrpcStatusCode.Unimplemented,
            HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
                or HttpStatusCode.GatewayTimeout => GrpcStatusCode.Unavailable,
            _ => GrpcStatusCode.Unknown,
        };
        return new GrpcStatus(code, $"Bad gRPC response: HTTP status {(int)status} ({status}).");
    }

    /// <summary>The status for an exception out of the HTTP stack or the local deadline and cancellation.</summary>
    public static GrpcStatusException FromException(Exception error, bool deadlinePassed)
    {
        if (error is GrpcStatusException status) return status;
        if (deadlinePassed) return new GrpcStatusException(GrpcStatusCode.DeadlineExceeded, "Deadline exceeded.", innerException: error);
        if (error is OperationCanceledException) return new GrpcStatusException(GrpcStatusCode.Cancelled, "Call cancelled by the client.", innerException: error);
        for (var e = error; e is not null; e = e.InnerException)
            if (e is HttpProtocolException protocol)
                return new GrpcStatusException(FromResetCode(protocol.ErrorCode),
                    $"The HTTP/2 stream was reset (error code 0x{protocol.ErrorCode:x}): {protocol.Message}", innerException: error);
        if (error is HttpRequestException or IOException)
            return new GrpcStatusException(GrpcStatusCode.Unavailable, $"Transport failure: {error.Message}", innerException: error);
        return new GrpcStatusException(GrpcStatusCode.Internal, $"The call failed: {error.GetType().Name}: {error.Message}", innerException: error);
    }

    private static GrpcStatusCode FromResetCode(long code) => code switch
    {
        0x7 => GrpcStatusCode.Unavailable,       // REFUSED_STREAM: nothing was processed, retry may work
        0x8 => GrpcStatusCode.Cancelled,         // CANCEL
        0xb => GrpcStatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xc => GrpcStatusCode.PermissionDenied,  // INADEQUATE_SECURITY
        _ => GrpcStatusCode.Internal,
    };
}
