using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace ProbeMonitor.Formats.Numpy;

/// <summary>Reads one array in NumPy's .npy format (versions 1.0, 2.0 and 3.0; C order; little-endian or byte-sized dtypes).</summary>
/// <remarks>
/// Lengths in the file are never trusted: the header and the data are bounded by what the stream can still hold (its remaining
/// length when seekable, the declared entry size inside an .npz), and unseekable data are read in growing chunks, so memory
/// tracks the bytes that actually arrive rather than what the header claims.
/// </remarks>
public static class NpyReader
{
    /// <summary>Headers above this are refused; numpy itself refuses those over 10,000 bytes by default.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads an array from <paramref name="stream"/>'s current position; <paramref name="name"/> names it in errors and in the result.</summary>
    public static NpyArray Read(Stream stream, string name) => Read(stream, name, bound: null, path: null);

    /// <summary>As <see cref="Read(Stream, string)"/>, with an upper bound on the bytes the array may occupy and a file for messages.</summary>
    internal static NpyArray Read(Stream stream, string name, long? bound, string? path)
    {
        if (stream.CanSeek)
        {
            long remaining = Math.Max(0, stream.Length - stream.Position);
            bound = bound is null ? remaining : Math.Min(bound.Value, remaining);
        }

        Span<byte> prefix = stackalloc byte[12];
        if (ReadUpTo(stream, prefix[..8]) < 8 || !prefix[..6].SequenceEqual(Magic))
            throw new TensorFormatException(path, name, "not a .npy array: the magic string \\x93NUMPY is missing");
        int major = prefix[6], minor = prefix[7];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new TensorFormatException(path, name, $"unsupported .npy format version {major}.{minor}"),
        };
        if (ReadUpTo(stream, prefix.Slice(8, lengthBytes)) < lengthBytes)
            throw new TensorFormatException(path, name, "file ends inside the header length");
        long headerLength = lengthBytes == 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(prefix.Slice(8, 2))
            : BinaryPrimitives.ReadUInt32LittleEndian(prefix.Slice(8, 4));
        long consumed = 8 + lengthBytes;
        if (headerLength > MaxHeaderBytes)
            throw new TensorFormatException(path, name, $"declared header length {headerLength} exceeds the {MaxHeaderBytes}-byte cap");
        if (bound is { } b && consumed + headerLength > b)
            throw new TensorFormatException(path, name, $"declared header length {headerLength} runs past the end of the data ({b} bytes)");

        var headerBytes = new byte[headerLength];
        if (ReadUpTo(stream, headerBytes) < headerLength)
            throw new TensorFormatException(path, name, $"file ends inside the {headerLength}-byte header");
        consumed += headerLength;
        if (major == 3 && !Utf8.IsValid(headerBytes))
            throw new TensorFormatException(path, name, "version 3.0 header is not valid UTF-8");
        var text = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var header = NpyHeader.Parse(text, name, path);

        if (header.FortranOrder)
            throw new TensorFormatException(path, name,
                "array is stored in Fortran (column-major) order; only C order is supported (save np.ascontiguousarray(a))");
        int itemSize = NpyDescr.ItemSize(header.Descr, name, path);
        if (!TensorShape.TryElementCount(header.Shape, out var count) || !TensorShape.TryByteLength(count, itemSize, out var dataBytes))
            throw new TensorFormatException(path, name, $"shape {TensorShape.Format(header.Shape)} overflows: its byte size does not fit in 64 bits");
        if (bound is { } limit && dataBytes > limit - consumed)
            throw new TensorFormatException(path, name,
                $"shape {TensorShape.Format(header.Shape)} of {header.Descr} needs {dataBytes} data bytes but only {Math.Max(0, limit - consumed)} remain");
        if (dataBytes > Array.MaxLength)
            throw new TensorFormatException(path, name, $"array data are {dataBytes} bytes; arrays of 2 GiB or more are not supported");

        var data = stream.CanSeek ? ReadKnownLength(stream, (int)dataBytes) : ReadInChunks(stream, (int)dataBytes);
        if (data is null)
            throw new TensorFormatException(path, name, $"file ends before the {dataBytes} data bytes the header declares");
        return new NpyArray(name, header.Descr, header.Shape, data);
    }

    private static byte[]? ReadKnownLength(Stream stream, int length)
    {
        var data = new byte[length];
        return ReadUpTo(stream, data) == length ? data : null;
    }

    /// <summary>Grows the buffer only as bytes arrive, so a lying header cannot make us allocate more than twice what the stream yields.</summary>
    private static byte[]? ReadInChunks(Stream stream, int length)
    {
        var data = new byte[Math.Min(length, 1 << 16)];
        int filled = 0;
        while (filled < length)
        {
            if (filled == data.Length) Array.Resize(ref data, (int)Math.Min(length, 2L * data.Length));
            int n = stream.Read(data, filled, data.Length - filled);
            if (n == 0) return null;
            filled += n;
        }
        return data;
    }

    private static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        int filled = 0;
        while (filled < buffer.Length)
        {
            int n = stream.Read(buffer[filled..]);
            if (n == 0) break;
            filled += n;
        }
        return filled;
    }
}
