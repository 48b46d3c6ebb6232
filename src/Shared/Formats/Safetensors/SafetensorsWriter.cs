using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ProbeMonitor.Formats.Safetensors;

/// <summary>Writes safetensors files: 8-byte header length, space-padded JSON header, then the tensors back to back.</summary>
public static class SafetensorsWriter
{
    /// <summary>Writes to a temporary file beside <paramref name="path"/> and moves it into place, so readers never see a partial file.</summary>
    public static void Write(string path, IEnumerable<TensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = BuildHeader(list, metadata); // validate before touching the disk
        var full = System.IO.Path.GetFullPath(path);
        var temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                WriteValidated(stream, list, header);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes the file's bytes to <paramref name="stream"/> at its current position.</summary>
    public static void Write(Stream stream, IEnumerable<TensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        WriteValidated(stream, list, BuildHeader(list, metadata));
    }

    private static void WriteValidated(Stream stream, List<TensorToWrite> tensors, byte[] header)
    {
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var t in tensors) stream.Write(t.Data.Span);
    }

    /// <summary>The JSON header, padded with spaces so that the data section starts at a multiple of 8 bytes.</summary>
    private static byte[] BuildHeader(List<TensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new MemoryStream();
        // Relaxed escaping keeps non-ASCII names readable; the header is never embedded in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                Validate(t, names);
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", t.DType.SafetensorsName());
                json.WriteStartArray("shape");
                foreach (var d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.Data.Length;
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - (8 + buffer.Length) % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void Validate(TensorToWrite t, HashSet<string> names)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (string.IsNullOrEmpty(t.Name)) throw new ArgumentException("a tensor has an empty name.");
        if (t.Name == SafetensorsHeader.MetadataKey) throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved and cannot name a tensor.");
        if (!names.Add(t.Name)) throw new ArgumentException($"tensor '{t.Name}' is given twice.");
        ArgumentNullException.ThrowIfNull(t.Shape);
        if (!TensorShape.TryElementCount(t.Shape, out var count) || !TensorShape.TryByteLength(count, t.DType.SizeInBytes(), out var bytes))
            throw new ArgumentException($"tensor '{t.Name}': shape {TensorShape.Format(t.Shape)} has a negative dimension or overflows.");
        if (bytes != t.Data.Length)
            throw new ArgumentException(
                $"tensor '{t.Name}': shape {TensorShape.Format(t.Shape)} of {t.DType.SafetensorsName()} needs {bytes} bytes but {t.Data.Length} were given.");
    }
}
