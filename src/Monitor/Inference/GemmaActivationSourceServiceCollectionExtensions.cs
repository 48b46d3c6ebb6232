using Microsoft.Extensions.DependencyInjection.Extensions;
using ProbeMonitor.Monitor.Configuration;
using ProbeMonitor.Probes.Bundles;

namespace ProbeMonitor.Monitor.Inference;

/// <summary>Registers the <see cref="GemmaActivationSource"/> of <c>--model DIR</c>, loaded only up to the highest layer the
/// probes of that model read.</summary>
public static class GemmaActivationSourceServiceCollectionExtensions
{
    /// <summary>When <see cref="MonitorOptions.ModelDir"/> is set and no <see cref="IActivationSource"/> is registered yet, registers
    /// a <see cref="GemmaActivationSource"/> loaded from it (with <see cref="MonitorOptions.TokenizerPath"/> and
    /// <see cref="MonitorOptions.ModelId"/>).</summary>
    /// <remarks>
    /// The container builds it on first resolve, which <see cref="Hosting.MonitorApp.Build"/> does, so a bad directory fails
    /// start-up with a <see cref="ModelLoadException"/>; the container disposes it. Layers are loaded up to the highest one
    /// named by a probe manifest of this model id in <see cref="MonitorOptions.ProbesDir"/>, or all of them when no such
    /// probe is there yet (a later reload may add probes at any layer); the source loads more layers itself if a reloaded
    /// probe reads past them.
    /// </remarks>
    public static IServiceCollection AddGemmaActivationSource(this IServiceCollection services, MonitorOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ModelDir is not { } modelDir) return services;
        services.TryAddSingleton<IActivationSource>(sp =>
        {
            var modelId = GemmaActivationSource.ResolveModelId(modelDir, options.ModelId);
            var highest = HighestProbeLayer(options.ProbesDir, modelId);
            var logger = sp.GetService<ILoggerFactory>()?.CreateLogger(typeof(GemmaActivationSource));
            if (highest is null)
                logger?.LogWarning("No probe bundle in {Probes} reads model {ModelId}: loading every layer; text requests need probes of this id (--model-id)",
                    options.ProbesDir ?? "(no --probes)", modelId);
            var source = GemmaActivationSource.Load(modelDir, options.TokenizerPath, modelId, highest);
            logger?.LogInformation(
                "Model {ModelId} from {Directory}: layers 0..{Last} of {Layers} loaded, d_model {DModel}, at most {MaxTokens} tokens a sequence",
                source.ModelId, modelDir, source.LoadedLayers - 1, source.Config.NumHiddenLayers, source.DModel, source.MaxSequenceLength);
            return source;
        });
        return services;
    }

    /// <summary>The highest layer any readable probe manifest under <paramref name="probesDir"/> reads from <paramref name="modelId"/>,
    /// or null when there is none. Bundles that do not parse are skipped here: the probe registry reports them.</summary>
    public static int? HighestProbeLayer(string? probesDir, string modelId)
    {
        if (string.IsNullOrWhiteSpace(probesDir) || !Directory.Exists(probesDir)) return null;
        int? highest = null;
        foreach (var dir in Directory.EnumerateDirectories(probesDir).Where(d => !Path.GetFileName(d).StartsWith('.')))
        {
            var path = Path.Combine(dir, ProbeBundle.ManifestFileName);
            try
            {
                if (!File.Exists(path)) continue;
                var manifest = ProbeManifestJson.Deserialize(File.ReadAllBytes(path));
                if (manifest.Model is { } model && model.Id == modelId && model.Layer >= 0)
                    highest = Math.Max(highest ?? 0, model.Layer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or ProbeBundleException
                                           or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                // Not a readable bundle; the registry says why when it loads.
            }
        }
        return highest;
    }
}
