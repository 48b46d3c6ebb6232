using System.Text.Json;
using System.Text.Unicode;

namespace ProbeMonitor.Formats.Safetensors;

/// <summary>The parsed, fully validated JSON header of a safetensors file.</summary>
/// <remarks>
/// Nothing in the header is trusted: every length, offset and dimension is checked against the data section before any
/// tensor is exposed, so readers can slice the mapped file without further bounds checks.
/// </remarks>
internal sealed class SafetensorsHeader
{
    /// <summary>Headers larger than this are refused before parsing: real ones are kilobytes, and parsing is linear in size.</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>The key of the free-form string map.</summary>
    public const string MetadataKey = "__metadata__";

    private SafetensorsHeader(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<TensorInfo> tensors)
    {
        Metadata = metadata;
        Tensors = tensors;
    }

    /// <summary>The "__metadata__" map, empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensors ordered by their position in the data section.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Parses and validates <paramref name="json"/>; <paramref name="dataStart"/> is the file offset where the data section begins.</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, long dataStart, long dataLength, string? path)
    {
        if (json.IsEmpty)
            throw new TensorFormatException(path, null, "header is empty, not a JSON object");
        if (!Utf8.IsValid(json))
            throw new TensorFormatException(path, null, "header is not valid UTF-8");

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        string? current = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw new TensorFormatException(path, null, "header is not a JSON object");

            Dictionary<string, string>? metadata = null;
            var tensors = new List<TensorInfo>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                current = reader.GetString()!;
                if (current == MetadataKey)
                {
                    if (metadata is not null) throw new TensorFormatException(path, null, "header has two '__metadata__' entries");
                    metadata = ReadMetadata(ref reader, path);
                }
                else
                {
                    if (!names.Add(current)) throw new TensorFormatException(path, current, "name appears twice in the header");
                    tensors.Add(ReadTensor(ref reader, current, dataStart, dataLength, path));
                }
                current = null;
            }
            // The loop leaves on the root object's end; Utf8JsonReader rejects anything but whitespace after it.
            while (reader.Read()) { }

            var ordered = tensors.OrderBy(t => t.DataOffset).ThenBy(t => t.ByteLength).ToList();
            CheckNoOverlap(ordered, path);
            return new SafetensorsHeader(metadata ?? new Dictionary<string, string>(), ordered);
        }
        catch (JsonException e)
        {
            throw new TensorFormatException(path, current, $"header is not valid JSON ({e.Message})", e);
        }
        catch (InvalidOperationException e)
        {
            // Utf8JsonReader.GetString throws this for escapes that do not form valid UTF-16 (lone surrogates).
            throw new TensorFormatException(path, current, $"header holds an invalid JSON string ({e.Message})", e);
        }
    }

    private static Dictionary<string, string> ReadMetadata(ref Utf8JsonReader reader, string? path)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new TensorFormatException(path, null, "'__metadata__' is not a JSON object");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                throw new TensorFormatException(path, null, $"'__metadata__' value of '{key}' is not a string");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw new TensorFormatException(path, null, $"'__metadata__' has key '{key}' twice");
        }
        return metadata;
    }

    private static TensorInfo ReadTensor(ref Utf8JsonReader reader, string name, long dataStart, long dataLength, string? path)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new TensorFormatException(path, name, "header entry is not a JSON object");

        string? dtypeName = null;
        List<long>? shape = null;
        List<long>? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = reader.GetString()!;
            switch (field)
            {
                case "dtype":
                    if (dtypeName is not null) throw new TensorFormatException(path, name, "'dtype' appears twice");
                    if (!reader.Read() || reader.TokenType != JsonTokenType.String)
                        throw new TensorFormatException(path, name, "'dtype' is not a string");
                    dtypeName = reader.GetString()!;
                    break;
                case "shape":
                    if (shape is not null) throw new TensorFormatException(path, name, "'shape' appears twice");
                    shape = ReadIntegerArray(ref reader, name, "shape", path);
                    break;
                case "data_offsets":
                    if (offsets is not null) throw new TensorFormatException(path, name, "'data_offsets' appears twice");
                    offsets = ReadIntegerArray(ref reader, name, "data_offsets", path);
                    break;
                default:
                    reader.Skip(); // unknown fields are tolerated, as other readers do
                    break;
            }
        }

        if (dtypeName is null) throw new TensorFormatException(path, name, "missing 'dtype'");
        if (shape is null) throw new TensorFormatException(path, name, "missing 'shape'");
        if (offsets is null) throw new TensorFormatException(path, name, "missing 'data_offsets'");
        if (!DTypeExtensions.TryParseSafetensorsName(dtypeName, out var dtype))
            throw new TensorFormatException(path, name, $"unsupported dtype '{Truncate(dtypeName)}' (supported: F32, F16, BF16, I64, I32)");
        if (offsets.Count != 2)
            throw new TensorFormatException(path, name, $"'data_offsets' has {offsets.Count} numbers, expected [begin, end]");

        var dims = shape.ToArray();
        if (!TensorShape.TryElementCount(dims, out var count) || !TensorShape.TryByteLength(count, dtype.SizeInBytes(), out var bytes))
            throw new TensorFormatException(path, name, $"shape {TensorShape.Format(dims)} overflows: its byte size does not fit in 64 bits");

        long begin = offsets[0], end = offsets[1];
        if (begin > end)
            throw new TensorFormatException(path, name, $"data_offsets begin {begin} is after end {end}");
        if (end > dataLength)
            throw new TensorFormatException(path, name, $"data_offsets [{begin}, {end}] run past the data section ({dataLength} bytes)");
        if (end - begin != bytes)
            throw new TensorFormatException(path, name,
                $"shape {TensorShape.Format(dims)} of {dtypeName} needs {bytes} bytes but data_offsets [{begin}, {end}] span {end - begin}");

        return new TensorInfo(name, dtype, dims, dataStart + begin, bytes);
    }

    private static List<long> ReadIntegerArray(ref Utf8JsonReader reader, string name, string field, string? path)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            throw new TensorFormatException(path, name, $"'{field}' is not a JSON array");
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var v))
                throw new TensorFormatException(path, name, $"'{field}' holds a value that is not a 64-bit integer");
            if (v < 0)
                throw new TensorFormatException(path, name, $"'{field}' holds the negative value {v}");
            values.Add(v);
        }
        return values;
    }

    private static void CheckNoOverlap(List<TensorInfo> ordered, string? path)
    {
        TensorInfo? previous = null;
        foreach (var t in ordered)
        {
            if (t.ByteLength == 0) continue; // an empty tensor occupies no bytes, wherever it points
            if (previous is not null && t.DataOffset < previous.DataOffset + previous.ByteLength)
                throw new TensorFormatException(path, t.Name, $"data overlaps tensor '{previous.Name}'");
            previous = t;
        }
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
