using System.Buffers.Binary;
using System.Text;

namespace ProbeMonitor.Shared.Tests.Formats.Numpy;

/// <summary>Builds .npy bytes by hand from a literal header, independent of the writer under test.</summary>
internal static class RawNpy
{
    public static byte[] Build(string headerDict, byte[] data, int major = 1, Encoding? encoding = null, uint? declaredLength = null)
    {
        var header = (encoding ?? Encoding.Latin1).GetBytes(headerDict + "\n");
        int lengthBytes = major == 1 ? 2 : 4;
        var file = new byte[8 + lengthBytes + header.Length + data.Length];
        file[0] = 0x93;
        "NUMPY"u8.CopyTo(file.AsSpan(1));
        file[6] = (byte)major;
        file[7] = 0;
        if (lengthBytes == 2) BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(8), (ushort)(declaredLength ?? (uint)header.Length));
        else BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), declaredLength ?? (uint)header.Length);
        header.CopyTo(file, 8 + lengthBytes);
        data.CopyTo(file, 8 + lengthBytes + header.Length);
        return file;
    }

    public static string Dict(string descr, string shape, bool fortran = false) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";
}
