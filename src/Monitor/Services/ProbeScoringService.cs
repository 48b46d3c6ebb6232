using System.Diagnostics;
using ProbeMonitor.Monitor.Inference;
using ProbeMonitor.Monitor.Batching;
using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Monitor.Grpc;
using ProbeMonitor.Monitor.Metrics;
using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Probes.Bundles;
using ProbeMonitor.Protocol;

namespace ProbeMonitor.Monitor.Services;

/// <summary>The real <see cref="IScoringService"/>: decodes the request, gets pooled activations (pushed, cached or from the
/// model), scores them through the <see cref="ScoringQueue"/>, and maps results and errors to the wire.</summary>
/// <remarks>
/// Status codes: no input, bad activations (dtype/shape/bytes/NaN/layer/width/pooling), empty token ids → INVALID_ARGUMENT;
/// an unknown probe id → NOT_FOUND; no probe loaded, or text/tokens without a model → FAILED_PRECONDITION; a full queue →
/// RESOURCE_EXHAUSTED; shutting down → UNAVAILABLE. A deadline or a client cancel reaches the queue through the call's token.
/// Nothing here logs request content or request ids.
/// </remarks>
public sealed class ProbeScoringService : IScoringService
{
    private readonly ProbeRegistry _registry;
    private readonly ScoringQueue _scoring;
    private readonly ForwardQueue _forward;
    private readonly MonitorMetrics? _metrics;
    private readonly int _streamConcurrency;
    private static readonly ScoreOptions AllExplained = new(Explain: true);

    /// <summary>A service over the registry and the two queues.</summary>
    public ProbeScoringService(ProbeRegistry registry, ScoringQueue scoring, ForwardQueue forward, MonitorOptions options, MonitorMetrics? metrics = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _scoring = scoring ?? throw new ArgumentNullException(nameof(scoring));
        _forward = forward ?? throw new ArgumentNullException(nameof(forward));
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        // Enough requests of one stream in flight to fill two batches: one being scored, the next forming.
        _streamConcurrency = Math.Max(1, Math.Min(2 * options.MaxBatch, options.QueueCapacity));
    }

    /// <inheritdoc />
    public bool IsServing => _registry.Current.Count > 0;

    /// <inheritdoc />
    public int StreamConcurrency => _streamConcurrency;

    /// <inheritdoc />
    /// <remarks>Without a model every request that can be scored is pushed activations, so the call reserves its place in the
    /// scoring queue now and is never refused for a full queue after its message has arrived. With a model a text request
    /// first needs the forward queue (unless its activations are cached) and reaches the scoring queue only after its
    /// forward pass, too late to hold a place for; it is refused now only when both queues are full, when no request could
    /// be queued.</remarks>
    public ScoreAdmission AdmitScore()
    {
        if (_forward.Source is null)
            return _scoring.TryReserve() is { } slot ? ScoreAdmission.Holding(slot) : throw ToStatus(new QueueFullException(_scoring.Capacity))!;
        if (_scoring.IsFull && _forward.IsFull) throw ToStatus(new QueueFullException(_scoring.Capacity))!;
        return ScoreAdmission.None;
    }

    /// <inheritdoc />
    public Task<ScoreResponse> ScoreAsync(ScoreRequest request, CancellationToken cancellationToken) => ScoreAsync(request, inStream: false, null, cancellationToken);

    /// <inheritdoc />
    public Task<ScoreResponse> ScoreAsync(ScoreRequest request, ScoreAdmission admission, CancellationToken cancellationToken) =>
        ScoreAsync(request, inStream: false, admission?.Slot, cancellationToken);

    /// <inheritdoc />
    public Task<ScoreResponse> ScoreInStreamAsync(ScoreRequest request, CancellationToken cancellationToken) => ScoreAsync(request, inStream: true, null, cancellationToken);

    private async Task<ScoreResponse> ScoreAsync(ScoreRequest request, bool inStream, QueueSlot? slot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        long start = Stopwatch.GetTimestamp();
        try
        {
            IReadOnlyList<string>? probeIds = request.ProbeIds.Count == 0 ? null : request.ProbeIds;
            PooledActivations activations;
            IReadOnlyList<LoadedProbe> probes;
            TimeSpan forwardQueued = TimeSpan.Zero, forward = TimeSpan.Zero;
            switch (request.InputCase)
            {
                case ScoreRequest.InputOneofCase.Activations:
                    activations = ActivationDecoder.Decode(request.Activations);
                    probes = _scoring.Check(activations, probeIds);
                    break;
                case ScoreRequest.InputOneofCase.Prompt or ScoreRequest.InputOneofCase.Chat or ScoreRequest.InputOneofCase.TokenIds:
                    var source = _forward.RequireSource();
                    probes = ProbesOfModel(source, probeIds);
                    var tokens = Tokens(source, request);
                    var pooled = await _forward.PoolAsync(tokens, probes[0].Model.Layer, probes.Select(p => p.Model.Pooling).Distinct().ToList(), cancellationToken)
                        .ConfigureAwait(false);
                    (activations, forwardQueued, forward) = (pooled.Activations, pooled.Queued, pooled.Forward);
                    _scoring.Check(activations, probeIds is null ? probes.Select(p => p.Id).ToList() : probeIds);
                    break;
                default:
                    throw new GrpcStatusException(GrpcStatusCode.InvalidArgument,
                        "The request has no input: set exactly one of prompt, chat, token_ids or activations.");
            }

            var selected = probeIds ?? (probes.Count == _registry.Current.Count ? null : probes.Select(p => p.Id).ToList());
            var options = selected is not null ? new ScoreOptions(selected, request.Explain) : request.Explain ? AllExplained : ScoreOptions.Default;
            var scored = await _scoring.ScoreAsync(activations, options, cancellationToken, runNowIfIdle: !inStream, slot).ConfigureAwait(false);
            var queued = forwardQueued + scored.Queued;
            _metrics?.RecordQueueWait(queued.TotalSeconds);
            return ScoreResponseMapper.Map(request.RequestId, probes, scored.Scores,
                new Timings
                {
                    QueueUs = Micros(queued),
                    ForwardUs = Micros(forward),
                    ScoringUs = Micros(scored.Scoring),
                    TotalUs = Micros(Stopwatch.GetElapsedTime(start)),
                });
        }
        catch (Exception e) when (ToStatus(e) is { } status)
        {
            throw status;
        }
    }

    /// <inheritdoc />
    public Task<ListProbesResponse> ListProbesAsync(ListProbesRequest request, CancellationToken cancellationToken)
    {
        var response = new ListProbesResponse();
        foreach (var p in _registry.Current.Probes) response.Probes.Add(ScoreResponseMapper.Describe(p));
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public async Task<ReloadProbesResponse> ReloadProbesAsync(ReloadProbesRequest request, CancellationToken cancellationToken)
    {
        var result = await _registry.ReloadAsync(cancellationToken).ConfigureAwait(false);
        _metrics?.SetLoadedProbes(DriftPublisher.Labels(result.Active));
        var response = new ReloadProbesResponse();
        response.LoadedProbeIds.AddRange(result.LoadedProbeIds);
        response.Errors.AddRange(result.Errors.Select(e => e.Directory.Length == 0 ? e.Message : $"{e.Directory}: {e.Message}"));
        return response;
    }

    /// <summary>The probes a text or token request scores: those selected (or all) of the loaded model.</summary>
    private IReadOnlyList<LoadedProbe> ProbesOfModel(IActivationSource source, IReadOnlyList<string>? probeIds)
    {
        var selected = _scoring.Select(probeIds);
        var ofModel = probeIds is null ? selected.Where(p => p.Model.Id == source.ModelId).ToList() : selected;
        if (ofModel.Count == 0)
            throw new ModelNotLoadedException($"none of the loaded probes reads the loaded model '{source.ModelId}'; push activations instead");
        foreach (var p in ofModel)
            if (p.Model.Id != source.ModelId)
                throw new ModelNotLoadedException($"probe '{p.Id}' reads model '{p.Model.Id}' but the loaded model is '{source.ModelId}'; push its activations instead");
        return ofModel;
    }

    private static int[] Tokens(IActivationSource source, ScoreRequest request)
    {
        try
        {
            return request.InputCase switch
            {
                ScoreRequest.InputOneofCase.TokenIds => request.TokenIds.Ids.ToArray(),
                ScoreRequest.InputOneofCase.Prompt => source.Tokenize(request.Prompt),
                _ => source.ApplyChatTemplate(request.Chat.Messages.Select(m => new ChatTurn(m.Role, m.Content)).ToList()),
            };
        }
        catch (ArgumentException e) when (e is not InvalidActivationsException)
        {
            throw new InvalidActivationsException(e.Message);
        }
    }

    /// <summary>The status a domain error maps to; null for errors the transport handles itself (cancellation) or does not know.</summary>
    internal static GrpcStatusException? ToStatus(Exception e) => e switch
    {
        GrpcStatusException => null,
        InvalidActivationsException => new(GrpcStatusCode.InvalidArgument, e.Message, innerException: e),
        UnknownProbeException => new(GrpcStatusCode.NotFound, e.Message, innerException: e),
        NoProbesLoadedException or ModelNotLoadedException => new(GrpcStatusCode.FailedPrecondition, e.Message, innerException: e),
        QueueFullException => new(GrpcStatusCode.ResourceExhausted, e.Message, innerException: e),
        DeadlineExceededException => new(GrpcStatusCode.DeadlineExceeded, e.Message, innerException: e),
        BatcherStoppedException => new(GrpcStatusCode.Unavailable, e.Message, innerException: e),
        _ => null,
    };

    private static long Micros(TimeSpan t) => t.Ticks / (TimeSpan.TicksPerMillisecond / 1000);
}
