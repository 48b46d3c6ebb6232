using ProbeMonitor.Kernels;

namespace ProbeMonitor.Model;

/// <summary>Where a named tensor's elements live: memory-mapped file pages, looked up on each use so no span outlives its file.</summary>
public interface IWeightSource
{
    /// <summary>The float32 elements of a tensor stored as F32.</summary>
    ReadOnlySpan<float> Singles(string name);

    /// <summary>The raw 16-bit patterns of a tensor stored as BF16 or F16.</summary>
    ReadOnlySpan<ushort> HalfBits(string name);
}

/// <summary>One weight tensor (a matrix [rows, cols], or a vector seen as one row), row-major, kept in its stored precision.</summary>
/// <remarks>16-bit weights are never widened as a whole: kernels widen the rows they touch.</remarks>
public sealed class WeightTensor
{
    private readonly float[]? _singles;
    private readonly ushort[]? _bits;
    private readonly IWeightSource? _source;

    /// <summary>The tensor's checkpoint name (e.g. <c>model.layers.0.mlp.up_proj.weight</c>).</summary>
    public string Name { get; }
    /// <summary>Stored element type.</summary>
    public WeightPrecision Precision { get; }
    /// <summary>The stored shape (rank 1 or 2).</summary>
    public IReadOnlyList<int> Shape { get; }
    /// <summary>Rows (output features of a linear layer; 1 for a vector).</summary>
    public int Rows { get; }
    /// <summary>Columns (input features of a linear layer).</summary>
    public int Cols { get; }

    private WeightTensor(string name, WeightPrecision precision, int[] shape, float[]? singles, ushort[]? bits, IWeightSource? source)
    {
        if (shape.Length is < 1 or > 2 || shape.Any(d => d < 0))
            throw new ArgumentException($"{name}: shape [{string.Join(", ", shape)}] is not a vector or matrix.");
        Name = name;
        Precision = precision;
        Shape = shape;
        Rows = shape.Length == 2 ? shape[0] : 1;
        Cols = shape[^1];
        if ((long)Rows * Cols > Array.MaxLength)
            throw new ArgumentException($"{name}: shape [{string.Join(", ", shape)}] holds more elements than one span can address.");
        _singles = singles;
        _bits = bits;
        _source = source;
    }

    /// <summary>An in-memory float32 tensor (the array is owned by the tensor from now on).</summary>
    public static WeightTensor FromSingles(string name, float[] data, params int[] shape)
    {
        var t = new WeightTensor(name, WeightPrecision.F32, shape, data, null, null);
        t.CheckLength(data.Length);
        return t;
    }

    /// <summary>An in-memory 16-bit tensor of bit patterns (the array is owned by the tensor from now on).</summary>
    public static WeightTensor FromHalfBits(string name, ushort[] bits, WeightPrecision precision, params int[] shape)
    {
        if (precision == WeightPrecision.F32) throw new ArgumentException($"{name}: 16-bit data needs BF16 or F16 precision.");
        var t = new WeightTensor(name, precision, shape, null, bits, null);
        t.CheckLength(bits.Length);
        return t;
    }

    /// <summary>A tensor whose elements are fetched from <paramref name="source"/> by name on each use.</summary>
    public static WeightTensor Mapped(string name, IWeightSource source, WeightPrecision precision, params int[] shape) =>
        new(name, precision, shape, null, null, source);

    /// <summary>The elements of an F32 tensor.</summary>
    public ReadOnlySpan<float> Singles =>
        Precision != WeightPrecision.F32 ? throw new InvalidOperationException($"{Name} is {Precision}, not F32.")
        : _singles is not null ? _singles : _source!.Singles(Name);

    /// <summary>The bit patterns of a BF16/F16 tensor.</summary>
    public ReadOnlySpan<ushort> HalfBits =>
        Precision == WeightPrecision.F32 ? throw new InvalidOperationException($"{Name} is F32, not 16-bit.")
        : _bits is not null ? _bits : _source!.HalfBits(Name);

    /// <summary>Widens rows [<paramref name="firstRow"/>, +<paramref name="rowCount"/>) into float32.</summary>
    public void WidenRows(int firstRow, int rowCount, Span<float> destination)
    {
        if (firstRow < 0 || rowCount < 0 || firstRow + rowCount > Rows)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"{Name}: rows [{firstRow}, {firstRow + rowCount}) outside [0, {Rows}).");
        int start = checked(firstRow * Cols), count = checked(rowCount * Cols);
        switch (Precision)
        {
            case WeightPrecision.F32: Singles.Slice(start, count).CopyTo(destination); break;
            case WeightPrecision.BF16: FloatConversion.BFloat16ToSingle(HalfBits.Slice(start, count), destination); break;
            default: FloatConversion.HalfToSingle(HalfBits.Slice(start, count), destination); break;
        }
    }

    /// <summary>All elements widened to a new float32 array (for small tensors such as norm weights).</summary>
    public float[] ToSingles()
    {
        var result = new float[checked(Rows * Cols)];
        WidenRows(0, Rows, result);
        return result;
    }

    private void CheckLength(int length)
    {
        if ((long)Rows * Cols != length)
            throw new ArgumentException($"{Name}: {length} elements do not fill shape [{string.Join(", ", Shape)}].");
    }
}
