using ProbeMonitor.Monitor.Configuration;

namespace ProbeMonitor.Monitor.EmbeddedDefault;

/// <summary>Decides whether the sidecar serves the embedded default: only when it was given neither a model nor probes.</summary>
/// <remarks>
/// <c>dotnet run --project src/Monitor</c> with no arguments must score something real, so an empty configuration means "the
/// embedded tiny model and its committed bundles". Any explicit <c>--model</c> or <c>--probes</c> means the operator chose, and
/// <c>--embedded-default false</c> gives a sidecar that only scores pushed activations and starts with no probes.
/// </remarks>
public static class EmbeddedDefaultSelection
{
    /// <summary>Configuration key that turns the embedded default off (<c>--embedded-default false</c>).</summary>
    public const string Key = "embedded-default";

    /// <summary>Returns <paramref name="options"/> pointed at the materialised embedded model and its probes when neither
    /// <see cref="MonitorOptions.ModelDir"/> nor <see cref="MonitorOptions.ProbesDir"/> is set and the key is not false;
    /// otherwise <paramref name="options"/> unchanged.</summary>
    /// <exception cref="FormatException">The key is set to something other than true or false.</exception>
    public static MonitorOptions Apply(MonitorOptions options, IConfiguration configuration, TextWriter? log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        if (options.ModelDir is not null || options.ProbesDir is not null) return options;
        if (configuration[Key] is { Length: > 0 } text)
        {
            if (!bool.TryParse(text.Trim(), out bool enabled))
                throw new FormatException($"Configuration '{Key}' is '{text}'; it must be true or false.");
            if (!enabled) return options;
        }
        var model = EmbeddedDefaultModel.Materialize(log: log);
        log?.WriteLine($"probemonitor: no --model or --probes given; serving the embedded default {model.ModelId} (random weights, " +
                       $"layer {model.HookLayer}) from {model.ModelDirectory} with the bundles in {model.ProbesDirectory}. " +
                       "Its scores demonstrate the pipeline, not a real model's judgement (see the README).");
        return options with
        {
            ModelDir = model.ModelDirectory,
            ProbesDir = model.ProbesDirectory,
            TokenizerPath = model.TokenizerPath,
            ModelId = model.ModelId,
        };
    }
}
