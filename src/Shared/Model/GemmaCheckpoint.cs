using System.Text.Json;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;

namespace ProbeMonitor.Model;

/// <summary>A Hugging Face checkpoint directory opened for reading: config.json plus memory-mapped safetensors (single file or shards).</summary>
/// <remarks>Tensors are exposed lazily: nothing is read until a kernel touches it, and 16-bit tensors stay 16-bit.</remarks>
public sealed class GemmaCheckpoint : IDisposable
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";
    /// <summary>The shard index name.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly List<SafetensorsFile> _files;

    /// <summary>The checkpoint's directory.</summary>
    public string Directory { get; }
    /// <summary>The parsed config.json.</summary>
    public GemmaConfig Config { get; }
    /// <summary>Every tensor in the checkpoint by name (memory-mapped, not yet read).</summary>
    public IReadOnlyDictionary<string, WeightTensor> Tensors { get; }

    private GemmaCheckpoint(string directory, GemmaConfig config, List<SafetensorsFile> files, Dictionary<string, WeightTensor> tensors)
    {
        Directory = directory;
        Config = config;
        _files = files;
        Tensors = tensors;
    }

    /// <summary>Opens <paramref name="directory"/>; errors name the missing file, the bad tensor or the bad config field.</summary>
    public static GemmaCheckpoint Open(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new ModelFormatException($"model directory {directory} does not exist.");
        string configPath = Path.Combine(directory, "config.json");
        if (!File.Exists(configPath))
            throw new ModelFormatException($"{configPath} is missing: a Hugging Face checkpoint needs config.json.");
        var config = GemmaConfig.Load(configPath);

        var files = new List<SafetensorsFile>();
        try
        {
            var tensors = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
            foreach (var (file, names) in WeightFiles(directory))
            {
                var st = SafetensorsFile.Open(file);
                files.Add(st);
                var source = new FileSource(st);
                foreach (var info in st.Tensors)
                {
                    if (names is not null && !names.Contains(info.Name))
                        throw new ModelFormatException($"{file}: tensor '{info.Name}' is not listed for this shard in {IndexFileName}.");
                    if (!tensors.TryAdd(info.Name, Describe(info, source, file)))
                        throw new ModelFormatException($"{file}: tensor '{info.Name}' also appears in another shard.");
                }
                if (names is not null)
                    foreach (var name in names)
                        if (!st.Contains(name))
                            throw new ModelFormatException($"{IndexFileName} places tensor '{name}' in {Path.GetFileName(file)}, which does not contain it.");
            }
            return new GemmaCheckpoint(directory, config, files, tensors);
        }
        catch
        {
            foreach (var f in files) f.Dispose();
            throw;
        }
    }

    /// <summary>The weight files to open, each with the tensor names the index assigns to it (null for a single file).</summary>
    private static List<(string File, HashSet<string>? Names)> WeightFiles(string directory)
    {
        string index = Path.Combine(directory, IndexFileName);
        if (!File.Exists(index))
        {
            string single = Path.Combine(directory, SingleFileName);
            if (!File.Exists(single))
                throw new ModelFormatException($"{directory} has neither {SingleFileName} nor {IndexFileName}.");
            return [(single, null)];
        }

        JsonElement map;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(index));
            if (!doc.RootElement.TryGetProperty("weight_map", out var wm) || wm.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException($"{index}: no 'weight_map' object.");
            map = wm.Clone();
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{index}: invalid JSON: {e.Message}", e);
        }

        var byFile = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new ModelFormatException($"{index}: weight_map['{entry.Name}'] is not a file name.");
            string shard = entry.Value.GetString()!;
            if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard is "." or "..")
                throw new ModelFormatException($"{index}: weight_map['{entry.Name}'] = '{shard}' is not a plain file name in the checkpoint directory.");
            if (!byFile.TryGetValue(shard, out var names)) byFile[shard] = names = new HashSet<string>(StringComparer.Ordinal);
            names.Add(entry.Name);
        }
        var result = new List<(string, HashSet<string>?)>();
        foreach (var (shard, names) in byFile.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string path = Path.Combine(directory, shard);
            if (!File.Exists(path))
                throw new ModelFormatException($"{index} names shard {shard}, which is missing from {directory}.");
            result.Add((path, names));
        }
        return result;
    }

    private static WeightTensor Describe(TensorInfo info, IWeightSource source, string file)
    {
        var precision = info.DType switch
        {
            DType.F32 => WeightPrecision.F32,
            DType.BF16 => WeightPrecision.BF16,
            DType.F16 => WeightPrecision.F16,
            _ => throw new ModelFormatException($"{file}: tensor '{info.Name}' has dtype {info.DType}; weights must be F32, BF16 or F16."),
        };
        if (info.Shape.Length is < 1 or > 2 || info.Shape.Any(d => d <= 0 || d > int.MaxValue))
            throw new ModelFormatException($"{file}: tensor '{info.Name}' has shape [{string.Join(", ", info.Shape)}]; weights are vectors or matrices.");
        try
        {
            return WeightTensor.Mapped(info.Name, source, precision, info.Shape.Select(d => (int)d).ToArray());
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{file}: tensor '{info.Name}': {e.Message}", e);
        }
    }

    /// <summary>Closes the memory-mapped files; tensors must not be used afterwards.</summary>
    public void Dispose()
    {
        foreach (var f in _files) f.Dispose();
        _files.Clear();
    }

    /// <summary>Fetches a tensor's span from its open file on every use, so no span outlives the mapping.</summary>
    private sealed class FileSource(SafetensorsFile file) : IWeightSource
    {
        public ReadOnlySpan<float> Singles(string name) => file.GetSingles(name);
        public ReadOnlySpan<ushort> HalfBits(string name) => file.GetHalfBits(name);
    }
}
