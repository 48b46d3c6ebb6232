using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Services;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.LoadGeneration;

/// <summary>Drives Score or ScoreStream traffic at a running sidecar and measures what comes back.</summary>
/// <remarks>
/// <see cref="LoadGenOptions.Concurrency"/> workers share one <see cref="Pacer"/> and one channel (which opens more HTTP/2
/// connections as streams need them). A unary worker makes one call at a time; a stream worker keeps one ScoreStream
/// open and, in closed loop, up to <see cref="LoadGenOptions.StreamWindow"/> of its requests in flight. Every measured
/// request ends with a status: OK, the server's status, or what the client saw (DEADLINE_EXCEEDED, UNAVAILABLE, …); a
/// request that ends a stream with an error, and the ones sent behind it on that stream, get that stream's status, since
/// gRPC has no per-message status. Latency runs from the slot's intended time to the end of the request.
/// </remarks>
public static class LoadGenerator
{
    /// <summary>Runs the load described by <paramref name="options"/> and reports it; <paramref name="cancellationToken"/> ends
    /// the run early (what was measured so far is reported).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The payload could not be prepared (no probes, ListProbes failed, …).</exception>
    public static async Task<LoadReport> RunAsync(LoadGenOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var channel = GrpcChannel.ForAddress(options.Target);
        var headers = options.ApiKey is { } key ? new GrpcMetadata().Add("authorization", $"Bearer {key}") : null;
        var (requests, payload) = await PrepareAsync(channel, options, headers, cancellationToken).ConfigureAwait(false);

        var pacer = new Pacer(options.Rate, options.Warmup, options.Duration);
        var tallies = Enumerable.Range(0, options.Concurrency).Select(_ => new LoadTally()).ToArray();
        var workers = tallies.Select((tally, w) => options.Rpc == RpcKind.Unary
            ? Task.Run(() => UnaryWorkerAsync(channel, requests, pacer, tally, options, headers, w, cancellationToken), CancellationToken.None)
            : Task.Run(() => new StreamWorker(channel, requests, pacer, tally, options, headers, w).RunAsync(cancellationToken), CancellationToken.None));
        await Task.WhenAll(workers).ConfigureAwait(false);

        var (byStatus, lastEnd) = LoadTally.Merge(tallies);
        var elapsed = lastEnd > pacer.MeasureStart ? TimeProvider.System.GetElapsedTime(pacer.MeasureStart, lastEnd) : TimeSpan.Zero;
        return new LoadReport(options, payload, elapsed,
            byStatus.ToDictionary(kv => kv.Key, kv => LatencySummary.FromTicks(kv.Value.Latency)),
            LatencySummary.FromTicks(byStatus.Values.SelectMany(t => t.Latency).ToArray()))
        {
            ServiceByStatus = byStatus.ToDictionary(kv => kv.Key, kv => LatencySummary.FromTicks(kv.Value.Service)),
            Service = LatencySummary.FromTicks(byStatus.Values.SelectMany(t => t.Service).ToArray()),
            Scheduled = pacer.MeasuredScheduled,
            Unsent = pacer.MeasuredUnsent,
        };
    }

    /// <summary>The requests to send and a description of them; activation width and layer come from ListProbes unless given.</summary>
    private static async Task<(RequestSet Requests, string Payload)> PrepareAsync(GrpcChannel channel, LoadGenOptions options, GrpcMetadata? headers,
        CancellationToken cancellationToken)
    {
        if (options.Mode != LoadMode.Activations)
        {
            var texts = options.PromptsFile is { } file
                ? PromptTexts.ReadJsonl(file)
                : PromptTexts.BuiltIn(options.Seed).Select(t => (IReadOnlyList<Inference.ChatTurn>)[new Inference.ChatTurn("user", t)]).ToList();
            var source = options.PromptsFile is null ? $"built-in set (seed {options.Seed})" : Path.GetFileName(options.PromptsFile);
            return (RequestSet.Texts(texts, options.Mode), $"{options.Mode.ToString().ToLowerInvariant()} × {texts.Count} from {source}");
        }

        int? dModel = options.DModel, layer = options.Layer;
        if (dModel is null || layer is null)
        {
            ListProbesResponse list;
            try
            {
                using var call = channel.UnaryCall(ProbeMonitorMethods.ListProbes, new ListProbesRequest(),
                    new GrpcCallOptions { Headers = headers, Deadline = DateTime.UtcNow + options.Timeout, CancellationToken = cancellationToken });
                list = await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (GrpcStatusException e)
            {
                throw new InvalidOperationException(
                    $"ListProbes at {options.Target} failed with {LoadReport.StatusName(e.StatusCode)} ({e.Detail}), so the activation width and layer are unknown; pass --d-model and --layer.", e);
            }
            if (list.Probes.Count == 0)
                throw new InvalidOperationException($"the sidecar at {options.Target} has no probes loaded; pass --d-model and --layer, or load probes.");
            var first = list.Probes[0];
            if (dModel is null && first.DModel <= 0)
                throw new InvalidOperationException($"ListProbes at {options.Target} does not report d_model (an older sidecar); pass --d-model.");
            dModel ??= first.DModel;
            layer ??= first.Layer;
        }
        return (RequestSet.Activations(dModel.Value, layer.Value, options.Seed), $"activations f32 [{dModel}] layer {layer}");
    }

    private static async Task UnaryWorkerAsync(GrpcChannel channel, RequestSet requests, Pacer pacer, LoadTally tally, LoadGenOptions options,
        GrpcMetadata? headers, int worker, CancellationToken cancellationToken)
    {
        long next = worker;
        while (await pacer.NextAsync(cancellationToken).ConfigureAwait(false) is { } slot)
        {
            var request = requests[next];
            next += options.Concurrency;
            var status = GrpcStatusCode.OK;
            long sent = TimeProvider.System.GetTimestamp();
            try
            {
                using var call = channel.UnaryCall(ProbeMonitorMethods.Score, request,
                    new GrpcCallOptions { Headers = headers, Deadline = DateTime.UtcNow + options.Timeout, CancellationToken = cancellationToken });
                await call.ResponseAsync.ConfigureAwait(false);
            }
            catch (GrpcStatusException e)
            {
                status = e.StatusCode;
            }
            long end = TimeProvider.System.GetTimestamp();
            if (cancellationToken.IsCancellationRequested) break; // cut short by the caller: not the server's answer
            if (slot.Measured) tally.Record(status, slot.Intended, sent, end);
        }
    }
}
