using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>A client connection to one gRPC server over HTTP/2: h2c prior knowledge for http:// addresses, ALPN for https://.</summary>
/// <example><code>
/// using var channel = GrpcChannel.ForAddress("http://127.0.0.1:5006");
/// var response = await channel.UnaryCall(ProbeMonitorMethods.Score, request);
/// </code></example>
public sealed class GrpcChannel : IDisposable
{
    /// <summary>The user-agent this client sends, in the form the gRPC spec recommends.</summary>
    public const string UserAgent = "grpc-csharp-probemonitor/1.0";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        if (address.Scheme is not ("http" or "https"))
            throw new ArgumentException($"gRPC address '{address}' must be http:// (h2c) or https://.", nameof(address));
        Address = address;
        Options = options;
        var handler = options.HttpHandler ?? new SocketsHttpHandler
        {
            // One HTTP/2 connection caps concurrent streams (Kestrel: 100); more connections keep a load generator from queueing.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        // An invoker, not HttpClient: no 100-second default timeout and no response buffering to get in the way of streams.
        Invoker = new HttpMessageInvoker(handler, disposeHandler: options.HttpHandler is null || options.DisposeHttpHandler);
    }

    /// <summary>Creates a channel to an address such as "http://127.0.0.1:5006".</summary>
    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    /// <summary>Creates a channel to an address.</summary>
    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null) =>
        new(address, options ?? new GrpcChannelOptions());

    /// <summary>The server's base address.</summary>
    public Uri Address { get; }

    /// <summary>The channel's settings.</summary>
    public GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker { get; }

    /// <summary>The address of a method, "/Service/Method" under <see cref="Address"/>; parsed once per method, not per call.</summary>
    internal Uri MethodUri(string fullName) =>
        _methodUris.GetOrAdd(fullName, static (name, address) => new Uri(address.AbsoluteUri.TrimEnd('/') + name), Address);

    /// <summary>Starts a unary call; await the result for the response.</summary>
    public GrpcUnaryCall<TResponse> UnaryCall<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        Expect(method, GrpcMethodType.Unary);
        ArgumentNullException.ThrowIfNull(request);
        return GrpcUnaryExchange.Start(this, method, request, options);
    }

    /// <summary>Starts a bidirectional (or client-streaming) call.</summary>
    public GrpcStreamingCall<TRequest, TResponse> DuplexStreamingCall<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, GrpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        Expect(method, GrpcMethodType.DuplexStreaming, GrpcMethodType.ClientStreaming);
        return new GrpcStreamingCall<TRequest, TResponse>(this, method, options);
    }

    /// <summary>Starts a server-streaming call: sends the one request and completes the request stream.</summary>
    public GrpcStreamingCall<TRequest, TResponse> ServerStreamingCall<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, GrpcCallOptions? options = null)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        Expect(method, GrpcMethodType.ServerStreaming);
        ArgumentNullException.ThrowIfNull(request);
        var call = new GrpcStreamingCall<TRequest, TResponse>(this, method, options);
        _ = SendSingleAsync(call, request);
        return call;
    }

    /// <summary>Closes the channel's connections (when it owns the handler).</summary>
    public void Dispose() => Invoker.Dispose();

    private static async Task SendSingleAsync<TRequest, TResponse>(GrpcStreamingCall<TRequest, TResponse> call, TRequest request)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        try
        {
            await call.RequestStream.WriteAsync(request).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The call has failed with a status; the reader of the responses reports it.
        }
    }

    private static void Expect<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, params GrpcMethodType[] types)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        if (!types.Contains(method.Type))
            throw new ArgumentException($"Method {method.FullName} is {method.Type}; this call type needs {string.Join(" or ", types)}.", nameof(method));
    }
}
