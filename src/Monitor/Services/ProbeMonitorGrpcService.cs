using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.Services;

/// <summary>Binds probemonitor.v1.ProbeMonitor to the <see cref="IScoringService"/> registered in the container.</summary>
public static class ProbeMonitorGrpcService
{
    /// <summary>Registers Score, ScoreStream, ListProbes and ReloadProbes.</summary>
    public static void Register(GrpcServiceRegistry registry)
    {
        // Admitted before reading: under overload a request's DATA frame can arrive tens of milliseconds after its headers (the
        // soak measured p99 100 ms), and a refusal would wait for it; an admitted request may hold its queue place meanwhile.
        registry.Unary(ProbeMonitorMethods.Score,
            context => Scoring(context).AdmitScore(),
            (request, admission, context) => Scoring(context).ScoreAsync(request, admission, context.CancellationToken));

        registry.DuplexStreaming(ProbeMonitorMethods.ScoreStream, (requests, responses, context) =>
        {
            var scoring = Scoring(context);
            return scoring.StreamConcurrency <= 1
                ? OneAtATimeAsync(scoring, requests, responses, context.CancellationToken)
                : PipelinedAsync(scoring, requests, responses, scoring.StreamConcurrency, context.CancellationToken);
        });

        registry.Unary(ProbeMonitorMethods.ListProbes, (request, context) =>
            Scoring(context).ListProbesAsync(request, context.CancellationToken));

        registry.Unary(ProbeMonitorMethods.ReloadProbes, (request, context) =>
            Scoring(context).ReloadProbesAsync(request, context.CancellationToken));
    }

    private static async Task OneAtATimeAsync(IScoringService scoring, IAsyncEnumerable<ScoreRequest> requests, IGrpcStreamWriter<ScoreResponse> responses,
        CancellationToken cancellationToken)
    {
        await foreach (var request in requests.WithCancellation(cancellationToken))
            await responses.WriteAsync(await scoring.ScoreAsync(request, cancellationToken), cancellationToken);
    }

    /// <summary>Starts scoring up to <paramref name="window"/> requests of the stream before their predecessors are answered, so one
    /// stream can fill a batch; responses still go out in request order. The first failure ends the call with its status,
    /// after the responses of the requests before it.</summary>
    internal static async Task PipelinedAsync(IScoringService scoring, IAsyncEnumerable<ScoreRequest> requests, IGrpcStreamWriter<ScoreResponse> responses,
        int window, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = Channel.CreateBounded<Task<ScoreResponse>>(new BoundedChannelOptions(window) { SingleReader = true, SingleWriter = true });
        ExceptionDispatchInfo? readFailure = null;
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var request in requests.WithCancellation(stop.Token))
                    await inFlight.Writer.WriteAsync(scoring.ScoreInStreamAsync(request, stop.Token), stop.Token);
            }
            catch (Exception e)
            {
                // Kept aside rather than completing the channel with it: the channel would wrap it and lose the status.
                readFailure = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                inFlight.Writer.TryComplete();
            }
        }, CancellationToken.None);

        try
        {
            while (await inFlight.Reader.WaitToReadAsync(stop.Token))
                while (inFlight.Reader.TryRead(out var next))
                {
                    var response = await next;
                    // A batch answers many requests at once: hold a response back while its successor is already scored, so
                    // the batch leaves in one flush (one send) instead of one per response. The last one ready flushes them all.
                    bool more = inFlight.Reader.TryPeek(out var following) && following.IsCompleted;
                    await responses.WriteAsync(response, flush: !more, stop.Token);
                }
            await reader;
            readFailure?.Throw();
        }
        finally
        {
            await stop.CancelAsync();
            await reader;
            while (inFlight.Reader.TryRead(out var abandoned))
                _ = abandoned.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private static IScoringService Scoring(GrpcServerCallContext context) =>
        context.HttpContext.RequestServices.GetRequiredService<IScoringService>();
}
