using System.IO.Compression;

namespace ProbeMonitor.Formats.Numpy;

/// <summary>A read-only .npz archive (numpy.savez / savez_compressed): named .npy arrays in a zip, stored or deflated.</summary>
/// <remarks>Entry "W_enc.npy" is read by the key "W_enc". Corrupt zip structure surfaces as <see cref="TensorFormatException"/>.</remarks>
public sealed class NpzArchive : IDisposable
{
    private const string Extension = ".npy";
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;
    private readonly Lock _gate = new();
    private bool _disposed;

    private NpzArchive(string path, ZipArchive zip, Dictionary<string, ZipArchiveEntry> entries, List<string> names)
    {
        Path = path;
        _zip = zip;
        _entries = entries;
        Names = names;
    }

    /// <summary>The archive's file.</summary>
    public string Path { get; }

    /// <summary>Array keys in archive order, ".npy" removed.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Opens the archive and reads its directory; arrays are decoded only by <see cref="Read"/>.</summary>
    public static NpzArchive Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        ZipArchive? zip = null;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
            var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            var names = new List<string>();
            foreach (var entry in zip.Entries)
            {
                var key = entry.FullName.EndsWith(Extension, StringComparison.Ordinal) ? entry.FullName[..^Extension.Length] : entry.FullName;
                if (!entries.TryAdd(key, entry))
                    throw new TensorFormatException(path, key, "the archive holds two entries for this array");
                names.Add(key);
            }
            return new NpzArchive(path, zip, entries, names);
        }
        catch (Exception e) when (IsZipCorruption(e))
        {
            zip?.Dispose();
            stream.Dispose();
            throw new TensorFormatException(path, null, $"not a readable zip archive ({e.Message})", e);
        }
        catch
        {
            zip?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the archive holds an array of this key.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>Decodes the named array; throws <see cref="TensorFormatException"/> when absent or malformed.</summary>
    public NpyArray Read(string name)
    {
        if (!_entries.TryGetValue(name, out var entry))
        {
            var some = string.Join(", ", Names.Take(5).Select(n => $"'{n}'"));
            var listing = Names.Count == 0 ? "the archive is empty" : $"the archive holds {Names.Count} arrays, e.g. {some}";
            throw new TensorFormatException(Path, name, $"no such array; {listing}");
        }
        lock (_gate) // ZipArchive shares one file stream between entries
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            try
            {
                using var stream = entry.Open();
                // The declared uncompressed size bounds the array, and the reader only grows buffers as bytes really arrive.
                return NpyReader.Read(stream, name, entry.Length, Path);
            }
            catch (Exception e) when (IsZipCorruption(e))
            {
                throw new TensorFormatException(Path, name, $"zip entry is corrupt ({e.Message})", e);
            }
        }
    }

    /// <summary>Closes the archive and its file.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _zip.Dispose();
        }
    }

    /// <summary>The exceptions System.IO.Compression raises for damaged archives (our own format errors pass through unwrapped).</summary>
    private static bool IsZipCorruption(Exception e) =>
        e is (InvalidDataException or IOException or NotSupportedException) and not TensorFormatException;
}
