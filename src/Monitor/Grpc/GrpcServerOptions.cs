using System.IO.Compression;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Server-wide limits and behaviour of the gRPC layer (configure with <c>services.Configure&lt;GrpcServerOptions&gt;</c>).</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted, after decompression; null for no limit. Past it the call fails with RESOURCE_EXHAUSTED.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest response message sent; null for no limit. Past it the call fails with RESOURCE_EXHAUSTED.</summary>
    public int? MaxSendMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Compress responses with this encoding ("gzip") when the client's grpc-accept-encoding lists it; null never compresses.</summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>The gzip level for compressed responses.</summary>
    public CompressionLevel ResponseCompressionLevel { get; set; } = CompressionLevel.Fastest;

    /// <summary>Put handler exception messages into the UNKNOWN status detail; off by default so internals don't leak to callers.</summary>
    public bool EnableDetailedErrors { get; set; }
}
