using Microsoft.AspNetCore.Routing;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>Maps gRPC methods onto ASP.NET Core endpoint routing.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>Registers gRPC methods; call it once per service. Unknown methods of any service answer UNIMPLEMENTED.</summary>
    /// <remarks>Methods serve only HTTP/2 (and HTTP/3) requests: bind an HTTP/2 endpoint for them, see <c>MonitorListeners</c>.</remarks>
    public static IEndpointRouteBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, Action<GrpcServiceRegistry> register)
    {
        ArgumentNullException.ThrowIfNull(register);
        var source = endpoints.DataSources.OfType<GrpcEndpointDataSource>().FirstOrDefault();
        if (source is null)
        {
            source = new GrpcEndpointDataSource(endpoints.ServiceProvider);
            endpoints.DataSources.Add(source);
        }
        register(source.Registry);
        return endpoints;
    }
}
