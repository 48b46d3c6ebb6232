using System.Numerics.Tensors;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Sae.Training;

/// <summary>Training activations [rows, d_in]: an in-memory array, or one tensor of a safetensors file read in place.</summary>
/// <remarks>
/// A file tensor stays memory-mapped (F32, F16 or BF16; leading dimensions flattened into rows) and rows are widened
/// to float32 as batches are drawn, so a multi-GB BF16 file costs no copy. Every value is checked finite when the
/// source opens, so bad data fails before any training step.
/// </remarks>
public sealed class ActivationSource : IDisposable
{
    private readonly SafetensorsFile? _file;
    private readonly string? _key;
    private readonly DType _dtype;
    private readonly float[]? _array;
    private readonly long[]? _tokenRows;

    private ActivationSource(SafetensorsFile? file, string? key, DType dtype, float[]? array, long rows, int dIn, string name, long[]? tokenRows = null)
    {
        _file = file;
        _key = key;
        _dtype = dtype;
        _array = array;
        _tokenRows = tokenRows;
        Rows = tokenRows?.LongLength ?? rows;
        DIn = dIn;
        Name = name;
    }

    /// <summary>Number of rows (tokens); for a padded [N, T, d] file with <c>lengths</c>, the real tokens only.</summary>
    public long Rows { get; }

    /// <summary>Row width.</summary>
    public int DIn { get; }

    /// <summary>Where the data came from, for logs and cfg.json.</summary>
    public string Name { get; }

    /// <summary>Opens tensor <paramref name="key"/> of a safetensors file and checks its dtype, shape and every value.</summary>
    /// <remarks>
    /// A [N, T, d] tensor beside a <c>lengths</c> [N] tensor (what <c>extract --pooling none</c> writes) is zero-padded
    /// after each sequence's length; only the first lengths[i] tokens of sequence i are rows, so padding never reaches
    /// the training batches or the decoder-bias initialisation.
    /// </remarks>
    /// <exception cref="TensorFormatException">The key is absent, the dtype is not floating point, the shape is not [..., d_in], a value is NaN/Inf, or lengths do not fit the tensor.</exception>
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
            long[]? tokenRows = info.Shape.Length == 3 && file.Contains(LengthsTensor) ? TokenRows(file, path, info.Shape) : null;
            var source = new ActivationSource(file, key, info.DType, null, rows, checked((int)dIn), $"{path}:{key}", tokenRows);
            source.CheckFinite();
            return source;
        }
        catch
        {
            file.Dispose();
            throw;
        }
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
        CopyStoredRow(_tokenRows is null ? row : _tokenRows[row], destination);
    }

    /// <summary>Row <paramref name="row"/> of the tensor as stored (padding included).</summary>
    private void CopyStoredRow(long row, Span<float> destination)
    {
        int offset = checked((int)(row * DIn));
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

    /// <summary>The padded tensor's token-count tensor.</summary>
    public const string LengthsTensor = "lengths";

    /// <summary>The flattened row of every real token of a padded [N, T, d] tensor, in sequence order.</summary>
    private static long[] TokenRows(SafetensorsFile file, string path, long[] shape)
    {
        var lengthsInfo = file.GetInfo(LengthsTensor);
        if (lengthsInfo.Shape.Length != 1 || lengthsInfo.Shape[0] != shape[0])
            throw new TensorFormatException(path, LengthsTensor, $"shape is {TensorShape.Format(lengthsInfo.Shape)}; expected [{shape[0]}] beside activations {TensorShape.Format(shape)}");
        var lengths = file.ReadInt64(LengthsTensor);
        long total = 0;
        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 0 || lengths[i] > shape[1])
                throw new TensorFormatException(path, LengthsTensor, $"element {i} is {lengths[i]}; lengths must lie in 0..{shape[1]} (the padded length)");
            total += lengths[i];
        }
        if (total == 0) throw new TensorFormatException(path, LengthsTensor, "every sequence is empty; there are no tokens to train on");
        var rows = new long[total];
        long next = 0;
        for (int i = 0; i < lengths.Length; i++)
            for (long t = 0; t < lengths[i]; t++) rows[next++] = i * shape[1] + t;
        return rows;
    }

    /// <summary>Releases the mapped file, if any.</summary>
    public void Dispose() => _file?.Dispose();

    private void CheckFinite()
    {
        long bad = FirstNonFinite();
        if (bad < 0) return;
        var row = new float[DIn];
        CopyStoredRow(bad / DIn, row);
        string what = SparseAutoencoder.Describe(row[(int)(bad % DIn)]);
        long storedRows = _array is not null ? _array.Length / DIn : _file!.GetInfo(_key!).ElementCount / DIn;
        string message = $"element [{bad / DIn}, {bad % DIn}] (row, column of the flattened [{storedRows}, {DIn}]) is {what}; activations must be finite";
        if (_file is not null) throw new TensorFormatException(_file.Path, _key, message);
        throw new ArgumentException($"activations '{Name}': {message}.");
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
