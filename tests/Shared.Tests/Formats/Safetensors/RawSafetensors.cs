using System.Buffers.Binary;
using System.Text;

namespace ProbeMonitor.Shared.Tests.Formats.Safetensors;

/// <summary>Builds safetensors bytes by hand (length prefix + literal JSON + data), independent of the writer under test.</summary>
internal static class RawSafetensors
{
    public static byte[] Build(string headerJson, byte[]? data = null, ulong? declaredHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        return Build(header, data, declaredHeaderLength);
    }

    public static byte[] Build(byte[] header, byte[]? data = null, ulong? declaredHeaderLength = null)
    {
        data ??= [];
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    public static byte[] FloatBytes(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }
}
