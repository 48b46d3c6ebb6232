using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Turns the registry into routing endpoints: POST /Service/Method per method, plus a catch-all that answers UNIMPLEMENTED.</summary>
internal sealed class GrpcEndpointDataSource : EndpointDataSource
{
    private readonly IServiceProvider _services;
    private readonly object _gate = new();
    private IReadOnlyList<Endpoint>? _endpoints;
    private CancellationTokenSource _changes = new();

    public GrpcEndpointDataSource(IServiceProvider services)
    {
        _services = services;
        Registry.Changed += OnRegistryChanged;
    }

    /// <summary>All methods mapped on this route builder.</summary>
    public GrpcServiceRegistry Registry { get; } = new();

    /// <inheritdoc />
    public override IReadOnlyList<Endpoint> Endpoints
    {
        get
        {
            lock (_gate) return _endpoints ??= Build();
        }
    }

    /// <inheritdoc />
    public override IChangeToken GetChangeToken()
    {
        lock (_gate) return new CancellationChangeToken(_changes.Token);
    }

    private void OnRegistryChanged()
    {
        CancellationTokenSource old;
        lock (_gate)
        {
            _endpoints = null;
            old = _changes;
            _changes = new CancellationTokenSource();
        }
        old.Cancel();
        old.Dispose();
    }

    private List<Endpoint> Build()
    {
        var endpoints = new List<Endpoint>();
        foreach (var method in Registry.Methods)
        {
            var body = method.Body;
            var path = method.Path;
            bool streamingRequests = method.Type is GrpcMethodType.ClientStreaming or GrpcMethodType.DuplexStreaming;
            endpoints.Add(Endpoint(path, order: 0, $"gRPC {method.Type} {path}",
                http => GrpcServerCallPipeline.RunAsync(http, Options, Logger, path, streamingRequests, body)));
        }
        // Any other POST /a/b: gRPC callers get UNIMPLEMENTED in gRPC form, anyone else the 404 they would have had.
        endpoints.Add(Endpoint("/{service}/{method}", order: int.MaxValue, "gRPC unimplemented method", Unimplemented));
        return endpoints;
    }

    private Task Unimplemented(HttpContext http)
    {
        if (!GrpcProtocol.IsGrpcContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        var service = (string)http.Request.RouteValues["service"]!;
        var method = (string)http.Request.RouteValues["method"]!;
        var detail = Registry.HasService(service)
            ? $"Unknown method '{method}' for service '{service}'."
            : $"Unknown service '{service}'.";
        return GrpcServerCallPipeline.RunAsync(http, Options, Logger, $"/{service}/{method}", streamingRequests: false,
            _ => throw new GrpcStatusException(GrpcStatusCode.Unimplemented, detail));
    }

    private static RouteEndpoint Endpoint(string pattern, int order, string displayName, RequestDelegate handler) =>
        new(handler, RoutePatternFactory.Parse(pattern), order,
            new EndpointMetadataCollection(new HttpMethodMetadata(["POST"])), displayName);

    private GrpcServerOptions Options => _services.GetService<IOptions<GrpcServerOptions>>()?.Value ?? DefaultOptions;

    private ILogger Logger => _logger ??= _services.GetService<ILoggerFactory>()?.CreateLogger("ProbeMonitor.Monitor.Grpc")
                                          ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    private ILogger? _logger;

    private static readonly GrpcServerOptions DefaultOptions = new();
}
