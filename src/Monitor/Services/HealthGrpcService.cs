using Grpc.Health.V1;
using ProbeMonitor.Monitor.Grpc;

namespace ProbeMonitor.Monitor.Services;

/// <summary>grpc.health.v1.Health/Check: SERVING for the whole server ("") and each named service, NOT_FOUND for others (as the spec asks).</summary>
public static class HealthGrpcService
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "grpc.health.v1.Health";

    /// <summary>The Check method.</summary>
    public static readonly GrpcMethod<HealthCheckRequest, HealthCheckResponse> Check =
        GrpcMethod.Create<HealthCheckRequest, HealthCheckResponse>(GrpcMethodType.Unary, ServiceName, "Check");

    /// <summary>Registers Check, reporting SERVING for "" and every name in <paramref name="services"/>.</summary>
    public static void Register(GrpcServiceRegistry registry, IEnumerable<string> services)
    {
        var known = new HashSet<string>(services, StringComparer.Ordinal) { "" };
        registry.Unary(Check, (request, _) => known.Contains(request.Service)
            ? Task.FromResult(new HealthCheckResponse { Status = HealthCheckResponse.Types.ServingStatus.Serving })
            : throw new GrpcStatusException(GrpcStatusCode.NotFound, $"Unknown service '{request.Service}'."));
    }
}
