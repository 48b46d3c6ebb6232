using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>What a server handler knows about its call: deadline, cancellation, metadata in both directions, the peer.</summary>
public sealed class GrpcServerCallContext
{
    private readonly Func<Task> _writeResponseHeaders;

    private readonly Func<HttpRequest, GrpcMetadata> _readRequestHeaders;
    private GrpcMetadata? _requestHeaders;

    internal GrpcServerCallContext(HttpContext httpContext, string method, DateTime? deadline, CancellationToken cancellationToken,
        Func<HttpRequest, GrpcMetadata> readRequestHeaders, Func<Task> writeResponseHeaders)
    {
        HttpContext = httpContext;
        Method = method;
        Deadline = deadline;
        CancellationToken = cancellationToken;
        _readRequestHeaders = readRequestHeaders;
        _writeResponseHeaders = writeResponseHeaders;
    }

    /// <summary>The called method's path, "/Service/Method".</summary>
    public string Method { get; }

    /// <summary>When the client's grpc-timeout runs out (UTC); null when it sent none.</summary>
    public DateTime? Deadline { get; }

    /// <summary>Cancelled when the deadline passes or the client cancels (RST_STREAM); pass it to all work the call does.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The client's custom metadata (read from the HTTP headers on first use: most handlers never ask).</summary>
    public GrpcMetadata RequestHeaders => _requestHeaders ??= _readRequestHeaders(HttpContext.Request);

    /// <summary>Custom metadata sent with the response headers; entries added after the headers went out are not sent.</summary>
    public GrpcMetadata ResponseHeaders { get; } = new();

    /// <summary>Custom metadata sent with the status in the trailers.</summary>
    public GrpcMetadata ResponseTrailers { get; } = new();

    /// <summary>The underlying HTTP exchange, for what this context does not expose (connection, TLS, services).</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The client's address in gRPC's form, "ipv4:127.0.0.1:5000" or "ipv6:[::1]:5000".</summary>
    public string Peer => HttpContext.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { AddressFamily: AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{HttpContext.Connection.RemotePort}",
        IPAddress ip => $"ipv4:{ip}:{HttpContext.Connection.RemotePort}",
    };

    /// <summary>Sends the response headers (with <see cref="ResponseHeaders"/>) now, before the first message; otherwise they go with it.</summary>
    public Task WriteResponseHeadersAsync() => _writeResponseHeaders();
}
