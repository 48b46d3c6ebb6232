using System.IO.Compression;
using System.Security.Cryptography;

namespace ProbeMonitor.Datasets;

/// <summary>A data file as read: its path, the SHA-256 of its bytes on disk (compressed, as stored) and their number, for bundle provenance.</summary>
/// <param name="Path">The path it was read from.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes exactly as stored.</param>
/// <param name="Bytes">Size of the file on disk.</param>
public sealed record SourceFile(string Path, string Sha256, long Bytes)
{
    /// <summary>Largest file a loader reads into memory; the shared datasets are a few MB.</summary>
    public const long MaxBytes = 1L << 30;

    /// <summary>
    /// Reads a whole file once, hashes exactly those bytes and returns them with the text decoded from them (UTF-8, BOM
    /// stripped), gunzipped first when the name ends in .gz. Hashing and parsing the same buffer means the recorded hash
    /// always describes the data that was parsed.
    /// </summary>
    public static (SourceFile Source, string Text) ReadText(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"Data file not found: {path}", path);
        if (info.Length > MaxBytes) throw new DatasetFormatException($"{path}: {info.Length} bytes is larger than the {MaxBytes}-byte limit for a dataset file.");
        var bytes = File.ReadAllBytes(path);
        var source = new SourceFile(path, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
        Stream stream = new MemoryStream(bytes, writable: false);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) stream = new GZipStream(stream, CompressionMode.Decompress);
        try
        {
            using var reader = new StreamReader(stream, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            return (source, reader.ReadToEnd());
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException($"{path}: not a valid gzip stream ({e.Message}).", e);
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new DatasetFormatException($"{path}: not valid UTF-8 ({e.Message}).", e);
        }
    }
}
