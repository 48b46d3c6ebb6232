using Google.Protobuf;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Handles a unary call: one request in, one response out. Throw <see cref="GrpcStatusException"/> to fail with a status.</summary>
public delegate Task<TResponse> UnaryHandler<TRequest, TResponse>(TRequest request, GrpcServerCallContext context)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>;

/// <summary>Handles a unary call admitted before its request was read, with what the admission returned.</summary>
public delegate Task<TResponse> AdmittedUnaryHandler<TRequest, TResponse, in TAdmission>(TRequest request, TAdmission admission, GrpcServerCallContext context)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>;

/// <summary>Handles a server-streaming call: one request in, any number of responses written to <paramref name="responses"/>.</summary>
public delegate Task ServerStreamingHandler<TRequest, TResponse>(TRequest request, IGrpcStreamWriter<TResponse> responses, GrpcServerCallContext context)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>;

/// <summary>Handles a client-streaming call: requests enumerated as they arrive, one response out.</summary>
public delegate Task<TResponse> ClientStreamingHandler<TRequest, TResponse>(IAsyncEnumerable<TRequest> requests, GrpcServerCallContext context)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>;

/// <summary>Handles a bidirectional call: requests enumerated as they arrive, responses written whenever the handler likes.</summary>
public delegate Task DuplexStreamingHandler<TRequest, TResponse>(IAsyncEnumerable<TRequest> requests, IGrpcStreamWriter<TResponse> responses, GrpcServerCallContext context)
    where TRequest : class, IMessage<TRequest> where TResponse : class, IMessage<TResponse>;
