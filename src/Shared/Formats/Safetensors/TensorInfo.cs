namespace ProbeMonitor.Formats.Safetensors;

/// <summary>One tensor's entry in a safetensors header, validated against the file.</summary>
/// <param name="Name">The tensor's key in the header.</param>
/// <param name="DType">Element type.</param>
/// <param name="Shape">Dimensions, outermost first (C order); empty for a scalar.</param>
/// <param name="DataOffset">Offset of the tensor's first byte from the start of the file (not from the data section).</param>
/// <param name="ByteLength">Bytes the tensor occupies: <see cref="ElementCount"/> × element size.</param>
public sealed record TensorInfo(string Name, DType DType, long[] Shape, long DataOffset, long ByteLength)
{
    /// <summary>The product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => TensorShape.ElementCount(Shape);
}
