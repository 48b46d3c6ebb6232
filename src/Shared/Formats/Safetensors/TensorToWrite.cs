using System.Runtime.InteropServices;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Formats.Safetensors;

/// <summary>A tensor to be written by <see cref="SafetensorsWriter"/>: little-endian element bytes plus dtype and shape.</summary>
/// <param name="Name">Key in the header; unique within a file and not "__metadata__".</param>
/// <param name="DType">Element type of <paramref name="Data"/>.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
/// <param name="Data">Exactly element count × element size bytes, little-endian.</param>
public sealed record TensorToWrite(string Name, DType DType, long[] Shape, ReadOnlyMemory<byte> Data)
{
    /// <summary>An F32 tensor; the data are copied.</summary>
    public static TensorToWrite Singles(string name, ReadOnlySpan<float> data, params long[] shape)
    {
        CheckCount(name, data.Length, shape);
        return new TensorToWrite(name, DType.F32, shape, MemoryMarshal.AsBytes(data).ToArray());
    }

    /// <summary>A BF16 tensor, each value rounded to nearest-even by <see cref="FloatConversion.SingleToBFloat16"/>.</summary>
    public static TensorToWrite BFloat16(string name, ReadOnlySpan<float> data, params long[] shape)
    {
        CheckCount(name, data.Length, shape);
        var bits = new ushort[data.Length];
        for (int i = 0; i < data.Length; i++) bits[i] = FloatConversion.SingleToBFloat16(data[i]);
        return new TensorToWrite(name, DType.BF16, shape, MemoryMarshal.AsBytes(bits.AsSpan()).ToArray());
    }

    /// <summary>An F16 tensor, each value rounded to nearest-even (the runtime's float→Half conversion; overflow gives ±Inf).</summary>
    public static TensorToWrite Half(string name, ReadOnlySpan<float> data, params long[] shape)
    {
        CheckCount(name, data.Length, shape);
        var bits = new ushort[data.Length];
        for (int i = 0; i < data.Length; i++) bits[i] = BitConverter.HalfToUInt16Bits((System.Half)data[i]);
        return new TensorToWrite(name, DType.F16, shape, MemoryMarshal.AsBytes(bits.AsSpan()).ToArray());
    }

    /// <summary>An I64 tensor; the data are copied.</summary>
    public static TensorToWrite Int64(string name, ReadOnlySpan<long> data, params long[] shape)
    {
        CheckCount(name, data.Length, shape);
        return new TensorToWrite(name, DType.I64, shape, MemoryMarshal.AsBytes(data).ToArray());
    }

    private static void CheckCount(string name, int length, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var count = TensorShape.ElementCount(shape);
        if (count != length)
            throw new ArgumentException($"tensor '{name}': shape {TensorShape.Format(shape)} has {count} elements but {length} values were given.");
    }
}
