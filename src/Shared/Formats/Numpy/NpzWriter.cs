using System.IO.Compression;

namespace ProbeMonitor.Formats.Numpy;

/// <summary>Writes an .npz archive (a zip of .npy entries) as numpy.savez (stored) or numpy.savez_compressed (deflated) do.</summary>
/// <remarks>Used for test fixtures and Gemma-Scope-shaped parameter files; dispose to finish the archive.</remarks>
public sealed class NpzWriter : IDisposable
{
    private readonly ZipArchive _zip;
    private readonly CompressionLevel _level;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Writes to <paramref name="stream"/>; <paramref name="compressed"/> picks deflate over stored entries.</summary>
    public NpzWriter(Stream stream, bool compressed = false, bool leaveOpen = false)
    {
        _zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen);
        _level = compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression;
    }

    /// <summary>Creates (or replaces) the file at <paramref name="path"/>.</summary>
    public static NpzWriter Create(string path, bool compressed = false) =>
        new(new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None), compressed);

    /// <summary>Adds a float32 array as entry "<paramref name="name"/>.npy".</summary>
    public void Add(string name, ReadOnlySpan<float> data, params long[] shape)
    {
        using var entry = OpenEntry(name);
        NpyWriter.Write(entry, data, shape);
    }

    /// <summary>Adds an int64 array as entry "<paramref name="name"/>.npy".</summary>
    public void Add(string name, ReadOnlySpan<long> data, params long[] shape)
    {
        using var entry = OpenEntry(name);
        NpyWriter.Write(entry, data, shape);
    }

    /// <summary>Writes the zip central directory and closes the stream (unless left open).</summary>
    public void Dispose() => _zip.Dispose();

    private Stream OpenEntry(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_names.Add(name)) throw new ArgumentException($"array '{name}' is added twice.");
        return _zip.CreateEntry(name + ".npy", _level).Open();
    }
}
