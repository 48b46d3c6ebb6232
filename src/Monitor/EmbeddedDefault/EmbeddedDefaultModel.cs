using System.Security.Cryptography;
using ProbeMonitor.Model;

namespace ProbeMonitor.Monitor.EmbeddedDefault;

/// <summary>
/// The model the Monitor serves when given none: a small random-weight Gemma-2 (config.json here), generated deterministically
/// from checkpoint.json's seed into a cache directory and checked against the committed SHA-256, with the project's own
/// tokenizer and the probe bundles committed under probes/.
/// </summary>
/// <remarks>
/// The weights (24 MB) are not committed: <see cref="RandomCheckpoint.Write"/> regenerates the same bytes from the seed in under a
/// second, and the hash check turns any drift of the generator into a clear error instead of probes silently reading another
/// model. The cache directory is keyed by that hash, so a changed model never reuses a stale copy.
/// </remarks>
public static class EmbeddedDefaultModel
{
    /// <summary>The embedded model's id, as the committed probe manifests name it.</summary>
    public const string ModelId = "probemonitor/gemma-2-tiny-random-v1";

    /// <summary>The assets folder name, beside the Monitor's assembly (copied there by the build) and in the source tree.</summary>
    public const string AssetsFolder = "EmbeddedDefault";

    /// <summary>The probe bundles' folder inside the assets.</summary>
    public const string ProbesFolder = "probes";

    /// <summary>The environment variable that overrides <see cref="DefaultCacheRoot"/>.</summary>
    public const string CacheEnvironmentVariable = "PROBEMONITOR_CACHE_DIR";

    /// <summary>The assets shipped with the Monitor: {AppContext.BaseDirectory}/EmbeddedDefault.</summary>
    public static string DefaultAssetsDirectory => Path.Combine(AppContext.BaseDirectory, AssetsFolder);

    /// <summary>Where checkpoints are generated: $PROBEMONITOR_CACHE_DIR, else {temp}/probemonitor/embedded-default.</summary>
    public static string DefaultCacheRoot =>
        Environment.GetEnvironmentVariable(CacheEnvironmentVariable) is { Length: > 0 } dir
            ? dir
            : Path.Combine(Path.GetTempPath(), "probemonitor", "embedded-default");

    /// <summary>Generates (or reuses) the checkpoint and returns where everything is.</summary>
    /// <param name="cacheRoot">Parent of the generated checkpoint directory (default <see cref="DefaultCacheRoot"/>).</param>
    /// <param name="assetsDirectory">The committed assets (default <see cref="DefaultAssetsDirectory"/>).</param>
    /// <param name="log">Receives one line when the checkpoint is generated (may be null).</param>
    /// <exception cref="FileNotFoundException">An asset is missing.</exception>
    /// <exception cref="InvalidDataException">The generated weights do not have the committed SHA-256, or checkpoint.json is malformed.</exception>
    public static EmbeddedModel Materialize(string? cacheRoot = null, string? assetsDirectory = null, TextWriter? log = null)
    {
        string assets = Path.GetFullPath(assetsDirectory ?? DefaultAssetsDirectory);
        string configPath = Asset(assets, "config.json"), tokenizerPath = Asset(assets, "tokenizer.json");
        var spec = EmbeddedCheckpoint.Load(Asset(assets, EmbeddedCheckpoint.FileName));
        string probes = Path.Combine(assets, ProbesFolder);
        if (!Directory.Exists(probes)) throw new DirectoryNotFoundException($"the embedded default's probe bundles are missing: {probes}");
        var config = GemmaConfig.Load(configPath);
        if (spec.HookLayer >= config.NumHiddenLayers)
            throw new InvalidDataException($"{EmbeddedCheckpoint.FileName}: hook_layer {spec.HookLayer} is beyond the model's {config.NumHiddenLayers} layers.");

        string root = Path.GetFullPath(cacheRoot ?? DefaultCacheRoot);
        string target = Path.Combine(root, $"{spec.ModelId.Replace('/', '_')}-{spec.ModelSha256[..16]}");
        if (!HasModel(target, spec.ModelSha256))
        {
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true); // a damaged copy
            Generate(config, spec, configPath, tokenizerPath, root, target, log);
        }
        CopyIfDifferent(configPath, Path.Combine(target, "config.json"));
        CopyIfDifferent(tokenizerPath, Path.Combine(target, "tokenizer.json"));
        return new EmbeddedModel(target, spec.ModelId, Path.Combine(target, "tokenizer.json"), probes, spec.HookLayer, spec.ModelSha256);
    }

    /// <summary>The lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static void Generate(GemmaConfig config, EmbeddedCheckpoint spec, string configPath, string tokenizerPath, string root, string target, TextWriter? log)
    {
        // Built beside the target and moved into place, so a crash or a second process never sees half a checkpoint.
        string staging = Path.Combine(root, $".staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            RandomCheckpoint.Write(config, spec.Seed, spec.Precision, staging);
            string actual = Sha256Of(Path.Combine(staging, GemmaCheckpoint.SingleFileName));
            if (actual != spec.ModelSha256)
                throw new InvalidDataException(
                    $"the embedded default model generated from seed {spec.Seed} has model.safetensors SHA-256 {actual}, but {EmbeddedCheckpoint.FileName} "
                    + $"expects {spec.ModelSha256}: the weight generator or config.json changed, and the committed probes would read a different model.");
            File.Copy(configPath, Path.Combine(staging, "config.json"), overwrite: true);
            File.Copy(tokenizerPath, Path.Combine(staging, "tokenizer.json"), overwrite: true);
            try
            {
                Directory.Move(staging, target);
            }
            catch (IOException) when (HasModel(target, spec.ModelSha256))
            {
                // Another process got there first with the same bytes.
            }
            log?.WriteLine($"embedded default: generated {spec.ModelId} (seed {spec.Seed}) in {target} in {clock.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static bool HasModel(string directory, string sha256)
    {
        string model = Path.Combine(directory, GemmaCheckpoint.SingleFileName);
        return File.Exists(model) && Sha256Of(model) == sha256;
    }

    private static void CopyIfDifferent(string from, string to)
    {
        if (File.Exists(to) && File.ReadAllBytes(from).AsSpan().SequenceEqual(File.ReadAllBytes(to))) return;
        File.Copy(from, to, overwrite: true);
    }

    private static string Asset(string assets, string name)
    {
        string path = Path.Combine(assets, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"the embedded default's {name} is missing from {assets}", path);
    }
}
