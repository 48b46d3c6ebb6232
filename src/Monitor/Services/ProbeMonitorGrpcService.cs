using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Grpc;

namespace ProbeMonitor.Monitor.Services;

/// <summary>Binds probemonitor.v1.ProbeMonitor to the <see cref="IScoringService"/> registered in the container.</summary>
public static class ProbeMonitorGrpcService
{
    /// <summary>Registers Score, ScoreStream, ListProbes and ReloadProbes.</summary>
    public static void Register(GrpcServiceRegistry registry)
    {
        registry.Unary(ProbeMonitorMethods.Score, (request, context) =>
            Scoring(context).ScoreAsync(request, context.CancellationToken));

        registry.DuplexStreaming(ProbeMonitorMethods.ScoreStream, async (requests, responses, context) =>
        {
            // One at a time, in order: the response order is the request order, as the proto promises.
            var scoring = Scoring(context);
            await foreach (var request in requests.WithCancellation(context.CancellationToken))
                await responses.WriteAsync(await scoring.ScoreAsync(request, context.CancellationToken), context.CancellationToken);
        });

        registry.Unary(ProbeMonitorMethods.ListProbes, (request, context) =>
            Scoring(context).ListProbesAsync(request, context.CancellationToken));

        registry.Unary(ProbeMonitorMethods.ReloadProbes, (request, context) =>
            Scoring(context).ReloadProbesAsync(request, context.CancellationToken));
    }

    private static IScoringService Scoring(GrpcServerCallContext context) =>
        context.HttpContext.RequestServices.GetRequiredService<IScoringService>();
}
