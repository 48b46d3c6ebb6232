using Grpc.Health.V1;
using ProbeMonitor.Monitor.Grpc;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ProbeMonitor.Monitor.Services;

/// <summary>grpc.health.v1.Health/Check: a status for the whole server ("") and each named service, NOT_FOUND for others (as the spec asks).</summary>
public static class HealthGrpcService
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "grpc.health.v1.Health";

    /// <summary>The Check method.</summary>
    public static readonly GrpcMethod<HealthCheckRequest, HealthCheckResponse> Check =
        GrpcMethod.Create<HealthCheckRequest, HealthCheckResponse>(GrpcMethodType.Unary, ServiceName, "Check");

    /// <summary>Registers Check, reporting SERVING for "" and every name in <paramref name="services"/>.</summary>
    public static void Register(GrpcServiceRegistry registry, IEnumerable<string> services) =>
        Register(registry, services.ToDictionary(s => s, _ => (Func<bool>)(() => true), StringComparer.Ordinal));

    /// <summary>Registers Check: "" is SERVING while the server runs; each named service is SERVING while its readiness
    /// function says so and NOT_SERVING otherwise.</summary>
    public static void Register(GrpcServiceRegistry registry, IReadOnlyDictionary<string, Func<bool>> services)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var known = new Dictionary<string, Func<bool>>(services, StringComparer.Ordinal) { [""] = () => true };
        registry.Unary(Check, (request, _) => known.TryGetValue(request.Service, out var ready)
            ? Task.FromResult(new HealthCheckResponse { Status = ready() ? ServingStatus.Serving : ServingStatus.NotServing })
            : throw new GrpcStatusException(GrpcStatusCode.NotFound, $"Unknown service '{request.Service}'."));
    }
}
