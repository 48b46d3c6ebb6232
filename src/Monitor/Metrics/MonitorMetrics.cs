using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace ProbeMonitor.Monitor.Metrics;

/// <summary>The sidecar's metric catalogue: every instrument it exports, named exactly as Prometheus shows it, behind typed
/// recording methods.</summary>
/// <remarks>
/// Label cardinality is bounded by construction: <c>method</c> and <c>status</c> come from the gRPC service definition and
/// status codes, <c>probe</c>/<c>task</c>/<c>kind</c> only from the loaded bundles (<see cref="SetLoadedProbes"/>), and no
/// prompt text or request id is ever a label. Per-probe tag arrays are built once per load, so recording a score passes a
/// cached span and allocates nothing.
/// </remarks>
public sealed class MonitorMetrics
{
    /// <summary>The meter every instrument here belongs to.</summary>
    public const string MeterName = "ProbeMonitor.Monitor";

    /// <summary>Probe label used for scores of a probe id that is not loaded, so a stray id cannot add series.</summary>
    public const string UnregisteredProbe = "unregistered";

    // Exported names, exactly as Prometheus shows them; their HELP text is given where the instruments are created.
    public const string RequestsTotal = "probemon_requests_total";
    public const string RequestDuration = "probemon_request_duration_seconds";
    public const string QueueDuration = "probemon_queue_duration_seconds";
    public const string ForwardDuration = "probemon_forward_duration_seconds";
    public const string ScoringDuration = "probemon_scoring_duration_seconds";
    public const string BatchSize = "probemon_batch_size";
    public const string QueueDepth = "probemon_queue_depth";
    public const string CacheRequestsTotal = "probemon_cache_requests_total";
    public const string ProbeScore = "probemon_probe_score";
    public const string ProbePositiveTotal = "probemon_probe_positive_total";
    public const string ProbeScoredTotal = "probemon_probe_scored_total";
    public const string DriftPsi = "probemon_drift_psi";
    public const string DriftKsStatistic = "probemon_drift_ks_statistic";
    public const string DriftWassersteinNormalized = "probemon_drift_wasserstein_normalized";
    public const string DriftPositiveRateShift = "probemon_drift_positive_rate_shift";
    public const string DriftSaeDenseDisagreementRatio = "probemon_drift_sae_dense_disagreement_ratio";
    public const string DriftActivationOodRatio = "probemon_drift_activation_ood_ratio";
    public const string DriftLatentFiringRateShift = "probemon_drift_latent_firing_rate_shift";
    public const string TransferRisk = "probemon_transfer_risk";
    public const string DriftWindowRequests = "probemon_drift_window_requests";
    public const string ProbesLoaded = "probemon_probes_loaded";
    public const string BuildInfo = "probemon_build_info";

    /// <summary>Latency bounds in seconds: 100 µs (a cached score) to 10 s (a long forward pass), with a bound at 2 ms, the
    /// unary latency target for pushed activations, so the share of calls within it is read off a bucket, not interpolated.</summary>
    public static IReadOnlyList<double> LatencyBuckets { get; } =
        [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Batch-size bounds: powers of two up to 256.</summary>
    public static IReadOnlyList<long> BatchSizeBuckets { get; } = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    /// <summary>Probe score bounds: 0.05 to 1 in steps of 0.05.</summary>
    public static IReadOnlyList<double> ScoreBuckets { get; } = HistogramBuckets.Linear(0.05, 0.05, 20);

    private static readonly KeyValuePair<string, object?> CacheHit = new("result", "hit");
    private static readonly KeyValuePair<string, object?> CacheMiss = new("result", "miss");
    private static readonly KeyValuePair<string, object?>[] UnregisteredTags = ProbeTags(new(UnregisteredProbe, UnregisteredProbe, UnregisteredProbe));

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<double> _forwardDuration;
    private readonly Histogram<double> _scoringDuration;
    private readonly Histogram<long> _batchSize;
    private readonly Gauge<long> _queueDepth;
    private readonly Counter<long> _cacheRequests;
    private readonly Histogram<double> _probeScore;
    private readonly Counter<long> _probePositive;
    private readonly Counter<long> _probeScored;
    private readonly Gauge<double> _driftPsi, _driftKs, _driftWasserstein, _driftPositiveShift, _driftDisagreement, _driftOod, _driftFiringShift, _transferRisk;
    private readonly Gauge<long> _driftWindow;
    private volatile FrozenDictionary<string, KeyValuePair<string, object?>[]> _probes = FrozenDictionary<string, KeyValuePair<string, object?>[]>.Empty;
    private volatile KeyValuePair<string, object?>[] _buildTags;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (so each host has its own).</summary>
    public MonitorMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var version = typeof(MonitorMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var meter = meterFactory.Create(new MeterOptions(MeterName) { Version = version });
        _buildTags = BuildTags(version, "none", "none");

        _requests = meter.CreateCounter<long>(RequestsTotal, null, "Requests answered by the sidecar, by gRPC method and status code.");
        _requestDuration = Latency(meter, RequestDuration, "Time from receiving a request to sending its answer, by gRPC method and status code.");
        _queueDuration = Latency(meter, QueueDuration, "Time a request waited in the batching queue before its forward pass started.");
        _forwardDuration = Latency(meter, ForwardDuration, "Time of one batched forward pass through the model up to the probed layer.");
        _scoringDuration = Latency(meter, ScoringDuration, "Time to score one batch's activations with every loaded probe.");
        _batchSize = meter.CreateHistogram<long>(BatchSize, "{request}", "Requests per forward-pass batch.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = BatchSizeBuckets });
        _queueDepth = meter.CreateGauge<long>(QueueDepth, "{request}", "Requests waiting in the batching queue.");
        _cacheRequests = meter.CreateCounter<long>(CacheRequestsTotal, null, "Activation-cache lookups, by result (hit or miss).");
        _probeScore = meter.CreateHistogram<double>(ProbeScore, null, "Distribution of probe scores (0..1), by probe, task and probe kind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ScoreBuckets });
        _probePositive = meter.CreateCounter<long>(ProbePositiveTotal, null, "Scores at or above the probe's decision threshold, by probe.");
        _probeScored = meter.CreateCounter<long>(ProbeScoredTotal, null, "Scores computed, by probe.");

        _driftPsi = Drift(meter, DriftPsi, null, "Population stability index of the probe's scores in the drift window against its training reference.");
        _driftKs = Drift(meter, DriftKsStatistic, null, "Kolmogorov-Smirnov statistic of the probe's window scores against its training reference.");
        _driftWasserstein = Drift(meter, DriftWassersteinNormalized, null, "Wasserstein-1 distance of the probe's window scores from its reference, divided by the reference spread.");
        _driftPositiveShift = Drift(meter, DriftPositiveRateShift, null, "Window positive rate minus the reference positive rate.");
        _driftDisagreement = Drift(meter, DriftSaeDenseDisagreementRatio, "1", "Share of window requests where the SAE probe and the dense probe disagree.");
        _driftOod = Drift(meter, DriftActivationOodRatio, "1", "Share of window requests whose activation Mahalanobis distance exceeds the training p99.");
        _driftFiringShift = Drift(meter, DriftLatentFiringRateShift, null, "Shift of the probe's SAE latent firing rates in the window against the reference.");
        _transferRisk = Drift(meter, TransferRisk, null, "Combined transfer-risk score of the probe (0 = like training, 1 = no longer trustworthy).");
        _driftWindow = meter.CreateGauge<long>(DriftWindowRequests, "{request}", "Requests in the window the drift gauges were computed over.");

        meter.CreateObservableGauge(ProbesLoaded, () => (long)_probes.Count, "{probe}", "Probes loaded from bundles.");
        meter.CreateObservableGauge(BuildInfo, () => new Measurement<long>(1, _buildTags), null,
            "Always 1; labels name the sidecar version, the served model and the probed layer.");

        // Both results exist from the start, so a hit ratio is defined before the first lookup.
        _cacheRequests.Add(0, CacheHit);
        _cacheRequests.Add(0, CacheMiss);
        _queueDepth.Record(0);
    }

    /// <summary>Counts an answered request and its latency. <paramref name="method"/> and <paramref name="status"/> must come
    /// from a fixed set (service method names, status code names).</summary>
    public void RecordRequest(string method, string status, double seconds)
    {
        // Status on the duration too: a refusal (RESOURCE_EXHAUSTED, a bad argument) must be fast, and averaged in with the
        // answers it would hide both how fast it is and how slow the answers are.
        var methodTag = new KeyValuePair<string, object?>("method", method);
        var statusTag = new KeyValuePair<string, object?>("status", status);
        _requests.Add(1, methodTag, statusTag);
        _requestDuration.Record(seconds, methodTag, statusTag);
    }

    /// <summary>Records how long a request waited in the batching queue.</summary>
    public void RecordQueueWait(double seconds) => _queueDuration.Record(seconds);

    /// <summary>Records one batched forward pass.</summary>
    public void RecordForward(double seconds) => _forwardDuration.Record(seconds);

    /// <summary>Records scoring one batch.</summary>
    public void RecordScoring(double seconds) => _scoringDuration.Record(seconds);

    /// <summary>Records the size of one forward-pass batch.</summary>
    public void RecordBatchSize(int requests) => _batchSize.Record(requests);

    /// <summary>Sets the number of requests waiting in the batching queue.</summary>
    public void SetQueueDepth(long requests) => _queueDepth.Record(requests);

    /// <summary>Counts an activation-cache lookup.</summary>
    public void RecordCacheLookup(bool hit) => _cacheRequests.Add(1, hit ? CacheHit : CacheMiss);

    /// <summary>Replaces the set of loaded probes: the only ids per-probe metrics accept as labels.</summary>
    /// <exception cref="ArgumentException">An id, task or kind is empty, or an id repeats.</exception>
    public void SetLoadedProbes(IEnumerable<ProbeMetricLabels> probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var map = new Dictionary<string, KeyValuePair<string, object?>[]>(StringComparer.Ordinal);
        foreach (var probe in probes)
        {
            if (string.IsNullOrEmpty(probe.Id) || string.IsNullOrEmpty(probe.Task) || string.IsNullOrEmpty(probe.Kind))
                throw new ArgumentException($"probe {probe} needs a non-empty id, task and kind for its metric labels.", nameof(probes));
            if (!map.TryAdd(probe.Id, ProbeTags(probe)))
                throw new ArgumentException($"probe id '{probe.Id}' is loaded twice.", nameof(probes));
        }
        _probes = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Sets the model and layer named by <c>probemon_build_info</c>.</summary>
    public void SetServedModel(string model, int layer)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        _buildTags = BuildTags((string)_buildTags[0].Value!, model, layer.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Records one probe score and whether it was positive; returns false (and records under the
    /// <see cref="UnregisteredProbe"/> labels) when the probe is not loaded.</summary>
    public bool RecordProbeScore(string probeId, double score, bool positive)
    {
        bool known = _probes.TryGetValue(probeId, out var tags);
        ReadOnlySpan<KeyValuePair<string, object?>> span = known ? tags : UnregisteredTags;
        _probeScore.Record(score, span);
        _probeScored.Add(1, span);
        if (positive) _probePositive.Add(1, span);
        return known;
    }

    /// <summary>Publishes a drift reading for a loaded probe; returns false, changing nothing, when the probe is not loaded.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is NaN or outside its range (ratios and KS in 0..1, PSI and
    /// Wasserstein ≥ 0, window ≥ 0); nothing is published then.</exception>
    public bool PublishDrift(string probeId, DriftGaugeValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Check(values.Psi, 0, double.PositiveInfinity, nameof(values.Psi));
        Check(values.KsStatistic, 0, 1, nameof(values.KsStatistic));
        Check(values.WassersteinNormalized, 0, double.PositiveInfinity, nameof(values.WassersteinNormalized));
        Check(values.PositiveRateShift, -1, 1, nameof(values.PositiveRateShift));
        Check(values.SaeDenseDisagreementRatio, 0, 1, nameof(values.SaeDenseDisagreementRatio));
        Check(values.ActivationOodRatio, 0, 1, nameof(values.ActivationOodRatio));
        Check(values.LatentFiringRateShift, double.NegativeInfinity, double.PositiveInfinity, nameof(values.LatentFiringRateShift));
        Check(values.TransferRisk, 0, 1, nameof(values.TransferRisk));
        if (values.WindowRequests < 0)
            throw new ArgumentOutOfRangeException(nameof(values), $"drift WindowRequests is {values.WindowRequests}; it counts requests and cannot be negative.");
        if (!_probes.TryGetValue(probeId, out var tags)) return false;

        Set(_driftPsi, values.Psi, tags);
        Set(_driftKs, values.KsStatistic, tags);
        Set(_driftWasserstein, values.WassersteinNormalized, tags);
        Set(_driftPositiveShift, values.PositiveRateShift, tags);
        Set(_driftDisagreement, values.SaeDenseDisagreementRatio, tags);
        Set(_driftOod, values.ActivationOodRatio, tags);
        Set(_driftFiringShift, values.LatentFiringRateShift, tags);
        Set(_transferRisk, values.TransferRisk, tags);
        if (values.WindowRequests is { } window) _driftWindow.Record(window, tags);
        return true;
    }

    private static Histogram<double> Latency(Meter meter, string name, string help) =>
        meter.CreateHistogram<double>(name, "s", help, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });

    private static Gauge<double> Drift(Meter meter, string name, string? unit, string help) => meter.CreateGauge<double>(name, unit, help);

    private static void Set(Gauge<double> gauge, double? value, KeyValuePair<string, object?>[] tags)
    {
        if (value is { } v) gauge.Record(v, tags);
    }

    private static void Check(double? value, double min, double max, string field)
    {
        if (value is not { } v) return;
        if (double.IsNaN(v) || v < min || v > max)
            throw new ArgumentOutOfRangeException(field, v, $"drift {field} must lie in [{min}, {max}] (leave it null when it was not computed).");
    }

    private static KeyValuePair<string, object?>[] ProbeTags(ProbeMetricLabels probe) =>
        [new("probe", probe.Id), new("task", probe.Task), new("kind", probe.Kind)];

    private static KeyValuePair<string, object?>[] BuildTags(string version, string model, string layer) =>
        [new("version", version), new("model", model), new("layer", layer)];
}
