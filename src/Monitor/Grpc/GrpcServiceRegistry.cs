using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The methods a server offers, registered explicitly (no reflection): each binds a path to a typed handler.</summary>
/// <example><code>app.MapGrpcService(r => r.Unary&lt;ScoreRequest, ScoreResponse&gt;("probemonitor.v1.ProbeMonitor", "Score", handler));</code></example>
public sealed class GrpcServiceRegistry
{
    private readonly Dictionary<string, GrpcRegisteredMethod> _methods = new(StringComparer.Ordinal);

    /// <summary>Raised after each registration, so endpoint routing can refresh.</summary>
    internal event Action? Changed;

    /// <summary>The registered methods by path.</summary>
    internal IReadOnlyCollection<GrpcRegisteredMethod> Methods => _methods.Values;

    /// <summary>Whether any method of the service is registered.</summary>
    internal bool HasService(string serviceName) => _methods.Values.Any(m => m.ServiceName == serviceName);

    /// <summary>Registers a unary method by names.</summary>
    public GrpcServiceRegistry Unary<TRequest, TResponse>(string serviceName, string methodName, UnaryHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>, new() =>
        Unary(GrpcMethod.Create<TRequest, TResponse>(GrpcMethodType.Unary, serviceName, methodName), handler);

    /// <summary>Registers a unary method by descriptor.</summary>
    public GrpcServiceRegistry Unary<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, UnaryHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, GrpcMethodType.Unary, async call =>
        {
            var request = await call.ReadSingleRequestAsync(method.RequestParser);
            var response = await handler(request, call.Context) ?? throw NullResponse(method.FullName);
            await call.WriteResponseAsync(response, flush: false, call.Context.CancellationToken);
        });
    }

    /// <summary>Registers a unary method whose calls are admitted before their request message is read: <paramref name="admit"/>
    /// runs first and may throw <see cref="GrpcStatusException"/> to end the call at once (load shedding; the rest of the
    /// request is discarded); what it returns goes to <paramref name="handler"/> and is disposed when the call ends.</summary>
    public GrpcServiceRegistry Unary<TRequest, TResponse, TAdmission>(GrpcMethod<TRequest, TResponse> method,
        Func<GrpcServerCallContext, TAdmission> admit, AdmittedUnaryHandler<TRequest, TResponse, TAdmission> handler)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse> where TAdmission : IDisposable
    {
        ArgumentNullException.ThrowIfNull(admit);
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, GrpcMethodType.Unary, async call =>
        {
            using var admission = admit(call.Context);
            var request = await call.ReadSingleRequestAsync(method.RequestParser);
            var response = await handler(request, admission, call.Context) ?? throw NullResponse(method.FullName);
            await call.WriteResponseAsync(response, flush: false, call.Context.CancellationToken);
        });
    }

    /// <summary>Registers a server-streaming method by names.</summary>
    public GrpcServiceRegistry ServerStreaming<TRequest, TResponse>(string serviceName, string methodName, ServerStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>, new() =>
        ServerStreaming(GrpcMethod.Create<TRequest, TResponse>(GrpcMethodType.ServerStreaming, serviceName, methodName), handler);

    /// <summary>Registers a server-streaming method by descriptor.</summary>
    public GrpcServiceRegistry ServerStreaming<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, ServerStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, GrpcMethodType.ServerStreaming, async call =>
        {
            var request = await call.ReadSingleRequestAsync(method.RequestParser);
            await handler(request, new GrpcResponseStreamWriter<TResponse>(call), call.Context);
        });
    }

    /// <summary>Registers a client-streaming method by names.</summary>
    public GrpcServiceRegistry ClientStreaming<TRequest, TResponse>(string serviceName, string methodName, ClientStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>, new() =>
        ClientStreaming(GrpcMethod.Create<TRequest, TResponse>(GrpcMethodType.ClientStreaming, serviceName, methodName), handler);

    /// <summary>Registers a client-streaming method by descriptor.</summary>
    public GrpcServiceRegistry ClientStreaming<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, ClientStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, GrpcMethodType.ClientStreaming, async call =>
        {
            var response = await handler(call.ReadRequests(method.RequestParser), call.Context) ?? throw NullResponse(method.FullName);
            await call.WriteResponseAsync(response, flush: false, call.Context.CancellationToken);
        });
    }

    /// <summary>Registers a bidirectional-streaming method by names.</summary>
    public GrpcServiceRegistry DuplexStreaming<TRequest, TResponse>(string serviceName, string methodName, DuplexStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new() where TResponse : class, IMessage<TResponse>, new() =>
        DuplexStreaming(GrpcMethod.Create<TRequest, TResponse>(GrpcMethodType.DuplexStreaming, serviceName, methodName), handler);

    /// <summary>Registers a bidirectional-streaming method by descriptor.</summary>
    public GrpcServiceRegistry DuplexStreaming<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, DuplexStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(method, GrpcMethodType.DuplexStreaming, call =>
            handler(call.ReadRequests(method.RequestParser), new GrpcResponseStreamWriter<TResponse>(call), call.Context));
    }

    private GrpcServiceRegistry Add<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, GrpcMethodType registeredAs, Func<GrpcServerCall, Task> body)
        where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>
    {
        if (method.Type != registeredAs)
            throw new ArgumentException($"Method {method.FullName} is described as {method.Type} but registered as {registeredAs}.", nameof(method));
        if (!_methods.TryAdd(method.FullName, new GrpcRegisteredMethod(method.FullName, method.ServiceName, method.Type, body)))
            throw new InvalidOperationException($"gRPC method {method.FullName} is already registered.");
        Changed?.Invoke();
        return this;
    }

    private static GrpcStatusException NullResponse(string method) =>
        new(GrpcStatusCode.Internal, $"The handler of {method} returned no response message.");
}

/// <summary>One registered method: its path and the body that runs a call of it.</summary>
internal sealed record GrpcRegisteredMethod(string Path, string ServiceName, GrpcMethodType Type, Func<GrpcServerCall, Task> Body);
