using System.IO.Compression;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>How a <see cref="GrpcChannel"/> connects and what it accepts.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>The HTTP handler to send with; null creates a <see cref="SocketsHttpHandler"/> that may open several HTTP/2 connections.</summary>
    /// <remarks>Pass your own to configure TLS (certificates, validation) or connection pooling.</remarks>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/> (the channel always disposes a handler it created).</summary>
    public bool DisposeHttpHandler { get; set; }

    /// <summary>Largest response message accepted, after decompression; null for no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>Largest request message sent; null for no limit.</summary>
    public int? MaxSendMessageSize { get; set; } = GrpcProtocol.DefaultMaxMessageSize;

    /// <summary>The gzip level for requests sent with <see cref="GrpcCallOptions.RequestCompression"/>.</summary>
    public CompressionLevel RequestCompressionLevel { get; set; } = CompressionLevel.Fastest;
}
