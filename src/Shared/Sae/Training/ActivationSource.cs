using System.Numerics.Tensors;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Sae.Training;

/// <summary>Training activations [rows, d_in]: an in-memory array, or one tensor of a safetensors file read in place.</summary>
/// <remarks>
/// A file tensor stays memory-mapped (F32, F16 or BF16; leading dimensions flattened into rows) and rows are widened
/// to float32 as batches are drawn, so a multi-GB BF16 file costs no copy. Every value is checked finite when the
/// source opens, so bad data fails before any training step. A padded [N, T, d] tensor from <c>extract --pooling none</c>
/// comes with <c>lengths</c> [N]; then only the real tokens are rows, never the zero padding after them.
/// </remarks>
public sealed class ActivationSource : IDisposable
{
    private readonly SafetensorsFile? _file;
    private readonly string? _key;
    private readonly DType _dtype;
    private readonly float[]? _array;
    private readonly long[]? _rowMap;

    private ActivationSource(SafetensorsFile? file, string? key, DType dtype, float[]? array, long rows, int dIn, string name, long[]? rowMap = null)
    {
        _file = file;
        _key = key;
        _dtype = dtype;
        _array = array;
        _rowMap = rowMap;
        Rows = rowMap?.LongLength ?? rows;
        DIn = dIn;
        Name = name;
    }

    /// <summary>Number of rows (tokens).</summary>
    public long Rows { get; }

    /// <summary>Row width.</summary>
    public int DIn { get; }

    /// <summary>Where the data came from, for logs and cfg.json.</summary>
    public string Name { get; }

    /// <summary>Opens tensor <paramref name="key"/> of a safetensors file and checks its dtype, shape and every value.</summary>
    /// <exception cref="TensorFormatException">The key is absent, the dtype is not floating point, the shape is not [..., d_in], or a value is NaN/Inf.</exception>
    public static ActivationSource Open(string path, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!File.Exists(path)) throw new FileNotFoundException($"activations file '{path}' does not exist.", path);
        var file = SafetensorsFile.Open(path);
        try
        {
            var info = file.GetInfo(key);
            if (info.DType is not (DType.F32 or DType.F16 or DType.BF16))
                throw new TensorFormatException(path, key, $"dtype is {info.DType.SafetensorsName()}; activations must be F32, F16 or BF16");
            if (info.Shape.Length < 2)
                throw new TensorFormatException(path, key, $"shape is {TensorShape.Format(info.Shape)}; activations need at least 2 dimensions [..., d_in]");
            long dIn = info.Shape[^1], rows = info.ElementCount / Math.Max(1, dIn);
            if (dIn <= 0 || rows <= 0)
                throw new TensorFormatException(path, key, $"shape is {TensorShape.Format(info.Shape)}; activations need at least one row of positive width");
            var rowMap = info.Shape.Length == 3 && file.Contains(LengthsTensor) ? UnpaddedRows(file, path, info.Shape) : null;
            var source = new ActivationSource(file, key, info.DType, null, rows, checked((int)dIn), $"{path}:{key}", rowMap);
            source.CheckFinite();
            return source;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The per-sequence token counts that accompany a padded [N, T, d] tensor.</summary>
    public const string LengthsTensor = "lengths";

    /// <summary>Flattened row indices of the real tokens of a padded [N, T, d] tensor, from <c>lengths</c> [N] (each checked in 1..T).</summary>
    private static long[] UnpaddedRows(SafetensorsFile file, string path, long[] shape)
    {
        long n = shape[0], t = shape[1];
        var lengths = file.ReadInt64(LengthsTensor);
        if (lengths.LongLength != n)
            throw new TensorFormatException(path, LengthsTensor, $"has {lengths.LongLength} entries but the activations hold {n} sequences");
        var rows = new List<long>();
        for (long i = 0; i < n; i++)
        {
            if (lengths[i] < 1 || lengths[i] > t)
                throw new TensorFormatException(path, LengthsTensor, $"entry {i} is {lengths[i]}; lengths must be in 1..{t} (the padded length)");
            for (long j = 0; j < lengths[i]; j++) rows.Add(i * t + j);
        }
        return rows.ToArray();
    }

    /// <summary>Wraps <paramref name="data"/> [rows, d_in] (not copied; do not modify it while training) and checks every value.</summary>
    public static ActivationSource FromArray(float[] data, int dIn, string name = "in-memory activations")
    {
        ArgumentNullException.ThrowIfNull(data);
        if (dIn <= 0) throw new ArgumentException($"activations '{name}': d_in must be positive, got {dIn}.");
        if (data.Length == 0 || data.Length % dIn != 0)
            throw new ArgumentException($"activations '{name}': {data.Length} values do not form whole rows of d_in = {dIn}.");
        var source = new ActivationSource(null, null, DType.F32, data, data.Length / dIn, dIn, name);
        source.CheckFinite();
        return source;
    }

    /// <summary>Writes row <paramref name="row"/> as float32 into <paramref name="destination"/> [d_in].</summary>
    public void CopyRow(long row, Span<float> destination)
    {
        if ((ulong)row >= (ulong)Rows) throw new ArgumentOutOfRangeException(nameof(row), $"activations '{Name}': row {row} is outside 0..{Rows - 1}.");
        if (destination.Length != DIn) throw new ArgumentException($"activations '{Name}': destination holds {destination.Length} floats, d_in is {DIn}.");
        int offset = checked((int)((_rowMap is null ? row : _rowMap[row]) * DIn));
        if (_array is not null)
        {
            _array.AsSpan(offset, DIn).CopyTo(destination);
            return;
        }
        switch (_dtype)
        {
            case DType.F32:
                _file!.GetSingles(_key!).Slice(offset, DIn).CopyTo(destination);
                break;
            case DType.BF16:
                FloatConversion.BFloat16ToSingle(_file!.GetHalfBits(_key!).Slice(offset, DIn), destination);
                break;
            default:
                FloatConversion.HalfToSingle(_file!.GetHalfBits(_key!).Slice(offset, DIn), destination);
                break;
        }
    }

    /// <summary>Releases the mapped file, if any.</summary>
    public void Dispose() => _file?.Dispose();

    private void CheckFinite()
    {
        long bad = FirstNonFinite();
        if (bad < 0) return;
        string what = SparseAutoencoder.Describe(ValueAt(bad));
        long flatRows = _rowMap is null ? Rows : (_file!.GetInfo(_key!).ElementCount / DIn);
        string message = $"element [{bad / DIn}, {bad % DIn}] (row, column of the flattened [{flatRows}, {DIn}]) is {what}; activations must be finite";
        if (_file is not null) throw new TensorFormatException(_file.Path, _key, message);
        throw new ArgumentException($"activations '{Name}': {message}.");
    }

    /// <summary>One element of the stored (padded, unmapped) data, widened to float.</summary>
    private float ValueAt(long index)
    {
        if (_array is not null) return _array[index];
        if (_dtype == DType.F32) return _file!.GetSingles(_key!)[checked((int)index)];
        Span<float> one = stackalloc float[1];
        var bits = _file!.GetHalfBits(_key!).Slice(checked((int)index), 1);
        if (_dtype == DType.BF16) FloatConversion.BFloat16ToSingle(bits, one);
        else FloatConversion.HalfToSingle(bits, one);
        return one[0];
    }

    private long FirstNonFinite()
    {
        if (_array is not null) return IndexOfNonFinite(_array);
        if (_dtype == DType.F32) return IndexOfNonFinite(_file!.GetSingles(_key!));
        // Both 16-bit formats are non-finite exactly when every exponent bit is set.
        ushort mask = _dtype == DType.BF16 ? (ushort)0x7F80 : (ushort)0x7C00;
        var bits = _file!.GetHalfBits(_key!);
        for (int i = 0; i < bits.Length; i++)
            if ((bits[i] & mask) == mask) return i;
        return -1;
    }

    private static long IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        const int Block = 1 << 16;
        for (int start = 0; start < values.Length; start += Block)
        {
            var block = values.Slice(start, Math.Min(Block, values.Length - start));
            if (TensorPrimitives.IsFiniteAll(block)) continue;
            for (int i = 0; i < block.Length; i++)
                if (!float.IsFinite(block[i])) return start + i;
        }
        return -1;
    }
}
