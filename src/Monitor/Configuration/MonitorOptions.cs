using System.Globalization;
using System.Text;
using ProbeMonitor.Monitor.Batching;
using ProbeMonitor.Monitor.Scoring;
using ProbeMonitor.Monitoring;

namespace ProbeMonitor.Monitor.Configuration;

/// <summary>The sidecar's settings, read from configuration keys <c>model</c>, <c>tokenizer</c>, <c>model-id</c>, <c>probes</c>, <c>max-batch</c>, <c>max-wait-ms</c>,
/// <c>activations-max-wait-ms</c>, <c>max-batch-tokens</c>, <c>queue-capacity</c>, <c>cache-size-mb</c>, <c>api-key</c>,
/// <c>drift-window</c>, <c>drift-min-requests</c> and <c>drift-publish-ms</c> (so <c>--max-batch 16</c> on the command line).</summary>
public sealed record MonitorOptions
{
    /// <summary>Configuration key of <see cref="ModelDir"/>.</summary>
    public const string ModelKey = "model";

    /// <summary>Configuration key of <see cref="TokenizerPath"/>.</summary>
    public const string TokenizerKey = "tokenizer";

    /// <summary>Configuration key of <see cref="ModelId"/>.</summary>
    public const string ModelIdKey = "model-id";

    /// <summary>Configuration key of <see cref="ProbesDir"/>.</summary>
    public const string ProbesKey = "probes";

    /// <summary>Configuration key of <see cref="MaxBatch"/>.</summary>
    public const string MaxBatchKey = "max-batch";

    /// <summary>Configuration key of <see cref="MaxWaitMs"/>.</summary>
    public const string MaxWaitMsKey = "max-wait-ms";

    /// <summary>Configuration key of <see cref="QueueCapacity"/>.</summary>
    public const string QueueCapacityKey = "queue-capacity";

    /// <summary>Configuration key of the cache size in MiB (<see cref="CacheSizeBytes"/>).</summary>
    public const string CacheSizeMbKey = "cache-size-mb";

    /// <summary>Configuration key of <see cref="ApiKey"/>.</summary>
    public const string ApiKeyKey = "api-key";

    /// <summary>Configuration key of <see cref="ActivationsMaxWaitMs"/>.</summary>
    public const string ActivationsMaxWaitMsKey = "activations-max-wait-ms";

    /// <summary>Configuration key of <see cref="MaxBatchTokens"/>.</summary>
    public const string MaxBatchTokensKey = "max-batch-tokens";

    /// <summary>Configuration key of <see cref="DriftWindowRequests"/>.</summary>
    public const string DriftWindowKey = "drift-window";

    /// <summary>Configuration key of <see cref="DriftMinimumRequests"/>.</summary>
    public const string DriftMinRequestsKey = "drift-min-requests";

    /// <summary>Configuration key of <see cref="DriftPublishMs"/>.</summary>
    public const string DriftPublishMsKey = "drift-publish-ms";

    /// <summary>The model checkpoint directory; null when the sidecar only scores activations sent to it.</summary>
    public string? ModelDir { get; init; }

    /// <summary>The model's tokenizer.json (or its folder); null means <see cref="ModelDir"/>/tokenizer.json.</summary>
    public string? TokenizerPath { get; init; }

    /// <summary>The model id probes must name to be served from the model; null means config.json's <c>_name_or_path</c>,
    /// else the model directory's name.</summary>
    public string? ModelId { get; init; }

    /// <summary>The probe bundle directory.</summary>
    public string? ProbesDir { get; init; }

    /// <summary>The most requests in one batch.</summary>
    public int MaxBatch { get; init; } = 32;

    /// <summary>How long a forward-pass batch waits for more requests after its first, in milliseconds.</summary>
    public int MaxWaitMs { get; init; } = 5;

    /// <summary>How long a batch of pushed activations waits for more, in milliseconds. Scoring pooled activations costs
    /// microseconds, so waiting only adds latency: the default 0 batches greedily (a batch takes whatever queued while the
    /// previous one was scored).</summary>
    public int ActivationsMaxWaitMs { get; init; }

    /// <summary>The most tokens in one forward-pass batch.</summary>
    public int MaxBatchTokens { get; init; } = 16_384;

    /// <summary>How many requests may wait before new ones are refused. 1,024 pushed-activation requests are about 0.1 s of
    /// work on two cores: enough to ride out a garbage collection or a scheduler stall without refusing anything at 80 % of
    /// capacity (256 refused 2–4 % in the soak), while sustained overload still fills it within a fraction of a second and
    /// is refused at once.</summary>
    public int QueueCapacity { get; init; } = 1024;

    /// <summary>The activation cache's limit in bytes (0 disables the cache).</summary>
    public long CacheSizeBytes { get; init; } = 256L << 20;

    /// <summary>The key clients must present, or null for none. Never printed.</summary>
    public string? ApiKey { get; init; }

    /// <summary>How many of the latest requests each probe's drift window holds.</summary>
    public int DriftWindowRequests { get; init; } = DriftWindow.DefaultRequests;

    /// <summary>The fewest requests in a window before drift signals are reported.</summary>
    public int DriftMinimumRequests { get; init; } = DriftWindow.DefaultMinimumCount;

    /// <summary>How often drift and transfer risk are published to the metrics, in milliseconds.</summary>
    public int DriftPublishMs { get; init; } = 5_000;

    /// <summary>Reads the options from configuration, keeping defaults for keys not set.</summary>
    /// <exception cref="FormatException">A numeric key is not a number in its allowed range; the message names the key.</exception>
    public static MonitorOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var defaults = new MonitorOptions();
        int window = Integer(configuration, DriftWindowKey, defaults.DriftWindowRequests, 1, 10_000_000);
        int minimum = Integer(configuration, DriftMinRequestsKey, Math.Min(defaults.DriftMinimumRequests, window), 1, window);
        return new MonitorOptions
        {
            ModelDir = NonEmpty(configuration[ModelKey]),
            TokenizerPath = NonEmpty(configuration[TokenizerKey]),
            ModelId = NonEmpty(configuration[ModelIdKey]),
            ProbesDir = NonEmpty(configuration[ProbesKey]),
            MaxBatch = Integer(configuration, MaxBatchKey, defaults.MaxBatch, 1, 65_536),
            MaxWaitMs = Integer(configuration, MaxWaitMsKey, defaults.MaxWaitMs, 0, 60_000),
            ActivationsMaxWaitMs = Integer(configuration, ActivationsMaxWaitMsKey, defaults.ActivationsMaxWaitMs, 0, 60_000),
            MaxBatchTokens = Integer(configuration, MaxBatchTokensKey, defaults.MaxBatchTokens, 1, 1 << 24),
            QueueCapacity = Integer(configuration, QueueCapacityKey, defaults.QueueCapacity, 1, 1_000_000),
            CacheSizeBytes = (long)Integer(configuration, CacheSizeMbKey, (int)(defaults.CacheSizeBytes >> 20), 0, 1 << 20) << 20,
            ApiKey = NonEmpty(configuration[ApiKeyKey]),
            DriftWindowRequests = window,
            DriftMinimumRequests = minimum,
            DriftPublishMs = Integer(configuration, DriftPublishMsKey, defaults.DriftPublishMs, 10, 3_600_000),
        };
    }

    /// <summary>The drift options these settings imply: a count window of <see cref="DriftWindowRequests"/> requests.</summary>
    public ProbeScoringOptions ToProbeScoringOptions() => new(
        DriftWindow.ByCount(DriftWindowRequests, Math.Min(DriftWindow.DefaultSubWindows, DriftWindowRequests), DriftMinimumRequests),
        TransferRiskOptions.Default);

    /// <summary>The limits of the batcher for pushed activations (cost one per request).</summary>
    public DynamicBatcherOptions ToActivationBatcherOptions() => new()
    {
        MaxBatchSize = MaxBatch,
        MaxBatchTokens = MaxBatch,
        MaxWait = TimeSpan.FromMilliseconds(ActivationsMaxWaitMs),
        QueueCapacity = QueueCapacity,
    };

    /// <summary>The batcher limits these options imply; the token budget depends on the model and is the caller's.</summary>
    public DynamicBatcherOptions ToBatcherOptions(long maxBatchTokens) => new()
    {
        MaxBatchSize = MaxBatch,
        MaxBatchTokens = maxBatchTokens,
        MaxWait = TimeSpan.FromMilliseconds(MaxWaitMs),
        QueueCapacity = QueueCapacity,
    };

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"ModelDir = {ModelDir}, TokenizerPath = {TokenizerPath}, ModelId = {ModelId}, ProbesDir = {ProbesDir}, MaxBatch = {MaxBatch}, MaxWaitMs = {MaxWaitMs}, QueueCapacity = {QueueCapacity}, ")
            .Append(CultureInfo.InvariantCulture, $"ActivationsMaxWaitMs = {ActivationsMaxWaitMs}, MaxBatchTokens = {MaxBatchTokens}, ")
            .Append(CultureInfo.InvariantCulture, $"CacheSizeBytes = {CacheSizeBytes}, ApiKey = {(ApiKey is null ? "(none)" : "(set)")}, ")
            .Append(CultureInfo.InvariantCulture, $"DriftWindowRequests = {DriftWindowRequests}, DriftMinimumRequests = {DriftMinimumRequests}, DriftPublishMs = {DriftPublishMs}");
        return true;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static int Integer(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new FormatException($"Configuration '{key}' is '{text}'; it must be an integer from {min} to {max}.");
        return value;
    }
}
