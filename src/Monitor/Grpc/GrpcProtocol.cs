namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The wire names of gRPC over HTTP/2 (doc/PROTOCOL-HTTP2.md of the gRPC project).</summary>
public static class GrpcProtocol
{
    /// <summary>The content type of requests and responses.</summary>
    public const string ContentType = "application/grpc";

    /// <summary>Request header naming the message compression.</summary>
    public const string EncodingHeader = "grpc-encoding";

    /// <summary>Header listing the compressions a peer can read.</summary>
    public const string AcceptEncodingHeader = "grpc-accept-encoding";

    /// <summary>Request header with the call's timeout.</summary>
    public const string TimeoutHeader = "grpc-timeout";

    /// <summary>Trailer (or Trailers-Only header) with the status code.</summary>
    public const string StatusHeader = "grpc-status";

    /// <summary>Trailer with the percent-encoded status detail.</summary>
    public const string MessageHeader = "grpc-message";

    /// <summary>The size of a message's length prefix: 1 compressed-flag byte and a 4-byte big-endian length.</summary>
    public const int MessagePrefixSize = 5;

    /// <summary>The default maximum size of one message, in either direction (4 MiB, as other gRPC implementations).</summary>
    public const int DefaultMaxMessageSize = 4 * 1024 * 1024;

    /// <summary>Whether a Content-Type names gRPC: "application/grpc" alone or followed by "+subtype" or ";parameters".</summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase)) return false;
        return contentType.Length == ContentType.Length || contentType[ContentType.Length] is '+' or ';';
    }
}
