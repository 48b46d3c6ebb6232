using System.Runtime.InteropServices;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Formats.Numpy;

/// <summary>A C-ordered array read from a .npy file (or an .npz entry): its dtype descriptor, shape and little-endian bytes.</summary>
/// <param name="Name">The array's name (an .npz key, or what the caller called it).</param>
/// <param name="DTypeDescr">NumPy's descriptor: "&lt;f4", "&lt;f2", "&lt;f8", "&lt;i8", "&lt;i4" or "|u1".</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
/// <param name="Data">The elements, little-endian, C order; this record owns the array.</param>
public sealed record NpyArray(string Name, string DTypeDescr, long[] Shape, byte[] Data)
{
    /// <summary>The product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => TensorShape.ElementCount(Shape);

    /// <summary>The elements as floats: f4 copied, f2 widened exactly, f8 rounded, integers converted as C# casts do.</summary>
    public float[] ToSingles()
    {
        var result = new float[Data.Length / NpyDescr.ItemSize(DTypeDescr, Name, null)];
        switch (DTypeDescr)
        {
            case NpyDescr.Float32:
                MemoryMarshal.Cast<byte, float>(Data).CopyTo(result);
                break;
            case NpyDescr.Float16:
                FloatConversion.HalfToSingle(MemoryMarshal.Cast<byte, ushort>(Data), result);
                break;
            case NpyDescr.Float64:
                var doubles = MemoryMarshal.Cast<byte, double>(Data);
                for (int i = 0; i < result.Length; i++) result[i] = (float)doubles[i];
                break;
            case NpyDescr.Int64:
                var longs = MemoryMarshal.Cast<byte, long>(Data);
                for (int i = 0; i < result.Length; i++) result[i] = longs[i];
                break;
            case NpyDescr.Int32:
                var ints = MemoryMarshal.Cast<byte, int>(Data);
                for (int i = 0; i < result.Length; i++) result[i] = ints[i];
                break;
            case NpyDescr.UInt8:
                for (int i = 0; i < result.Length; i++) result[i] = Data[i];
                break;
        }
        return result;
    }

    /// <summary>The elements as longs; only integer dtypes (&lt;i8, &lt;i4, |u1) convert, floats are refused.</summary>
    public long[] ToInt64()
    {
        switch (DTypeDescr)
        {
            case NpyDescr.Int64:
                return MemoryMarshal.Cast<byte, long>(Data).ToArray();
            case NpyDescr.Int32:
                var ints = MemoryMarshal.Cast<byte, int>(Data);
                var fromInts = new long[ints.Length];
                for (int i = 0; i < ints.Length; i++) fromInts[i] = ints[i];
                return fromInts;
            case NpyDescr.UInt8:
                var fromBytes = new long[Data.Length];
                for (int i = 0; i < Data.Length; i++) fromBytes[i] = Data[i];
                return fromBytes;
            default:
                NpyDescr.ItemSize(DTypeDescr, Name, null); // throws for unknown descriptors
                throw new TensorFormatException(null, Name, $"dtype '{DTypeDescr}' is not an integer type; ToInt64 needs <i8, <i4 or |u1");
        }
    }
}
