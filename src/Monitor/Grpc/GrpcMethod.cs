using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Describes one RPC: its kind, its path (/package.Service/Method) and the parsers of its messages; shared by server and client.</summary>
public sealed record GrpcMethod<TRequest, TResponse>
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    /// <summary>Creates a descriptor, checking the names form a valid path.</summary>
    public GrpcMethod(GrpcMethodType type, string serviceName, string name, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
    {
        CheckName(serviceName, nameof(serviceName));
        CheckName(name, nameof(name));
        Type = type;
        ServiceName = serviceName;
        Name = name;
        RequestParser = requestParser;
        ResponseParser = responseParser;
    }

    /// <summary>Unary, client-, server- or duplex-streaming.</summary>
    public GrpcMethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. "probemonitor.v1.ProbeMonitor".</summary>
    public string ServiceName { get; }

    /// <summary>The method name, e.g. "Score".</summary>
    public string Name { get; }

    /// <summary>Parses requests.</summary>
    public MessageParser<TRequest> RequestParser { get; }

    /// <summary>Parses responses.</summary>
    public MessageParser<TResponse> ResponseParser { get; }

    /// <summary>The HTTP/2 :path, "/Service/Method" (case-sensitive).</summary>
    public string FullName => $"/{ServiceName}/{Name}";

    private static void CheckName(string value, string parameter)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Contains('/') || value.Any(char.IsWhiteSpace))
            throw new ArgumentException($"gRPC {parameter} '{value}' must be non-empty, without '/' or whitespace.", parameter);
    }
}

/// <summary>Creates method descriptors for generated protobuf messages without reflection: <c>new()</c> supplies the parsers.</summary>
public static class GrpcMethod
{
    /// <summary>A descriptor whose parsers construct messages with their default constructors.</summary>
    public static GrpcMethod<TRequest, TResponse> Create<TRequest, TResponse>(GrpcMethodType type, string serviceName, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        new(type, serviceName, name, new MessageParser<TRequest>(() => new TRequest()), new MessageParser<TResponse>(() => new TResponse()));
}
