using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace ProbeMonitor.Formats.Numpy;

/// <summary>Writes C-ordered little-endian arrays in .npy format, byte-compatible with numpy.save.</summary>
public static class NpyWriter
{
    /// <summary>Writes a float32 ('&lt;f4') array of the given shape.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> data, long[] shape) =>
        Write(stream, NpyDescr.Float32, MemoryMarshal.AsBytes(data), data.Length, shape);

    /// <summary>Writes an int64 ('&lt;i8') array of the given shape.</summary>
    public static void Write(Stream stream, ReadOnlySpan<long> data, long[] shape) =>
        Write(stream, NpyDescr.Int64, MemoryMarshal.AsBytes(data), data.Length, shape);

    private static void Write(Stream stream, string descr, ReadOnlySpan<byte> bytes, int count, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var expected = TensorShape.ElementCount(shape);
        if (expected != count)
            throw new ArgumentException($"shape {TensorShape.Format(shape)} has {expected} elements but {count} values were given.");
        stream.Write(Header(descr, shape));
        stream.Write(bytes);
    }

    /// <summary>Magic, version, length and the dict literal, space-padded and newline-terminated to a multiple of 64 bytes as numpy does.</summary>
    private static byte[] Header(string descr, long[] shape)
    {
        var dims = shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
        bool v1 = dict.Length + 1 + 10 <= ushort.MaxValue;
        int prefix = v1 ? 10 : 12;
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var text = dict.PadRight(total - prefix - 1) + "\n";

        var header = new byte[total];
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = (byte)(v1 ? 1 : 2);
        header[7] = 0;
        if (v1) BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)text.Length);
        Encoding.ASCII.GetBytes(text, header.AsSpan(prefix));
        return header;
    }
}
