using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using ProbeMonitor.Kernels;

namespace ProbeMonitor.Formats.Safetensors;

/// <summary>A read-only, memory-mapped safetensors file whose header is validated in full when it is opened.</summary>
/// <remarks>
/// The spans returned by <see cref="GetBytes"/>, <see cref="GetSingles"/> and <see cref="GetHalfBits"/> point straight into the
/// mapping: they are valid only until <see cref="Dispose"/>, and must not be kept past it. Files may exceed 2 GiB; a single
/// tensor must stay below 2 GiB to be exposed as a span. Safe for concurrent reads; not for reads concurrent with Dispose.
/// The file must not be truncated by another process while open: a mapped read past its new end faults the process.
/// Writers replace files by rename (as <see cref="SafetensorsWriter"/> does), which leaves open mappings intact.
/// </remarks>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly Dictionary<string, TensorInfo> _byName;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer, SafetensorsHeader header)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = basePointer;
        Metadata = header.Metadata;
        Tensors = header.Tensors;
        _byName = header.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file this was opened from.</summary>
    public string Path { get; }

    /// <summary>The header's "__metadata__" string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Every tensor, in the order its bytes appear in the file.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Maps <paramref name="path"/> read-only and validates its header; throws <see cref="TensorFormatException"/> if malformed.</summary>
    public static SafetensorsFile Open(string path) =>
        Open(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read), path);

    /// <summary>Maps the file <paramref name="stream"/> has open (whatever its position) and validates its header; the result owns
    /// the stream, which is disposed with it or when this throws.</summary>
    /// <remarks>For callers that must check the very bytes they map (a hash, then the load): opening the path twice would map
    /// whatever a rename put there in between.</remarks>
    /// <param name="stream">A readable file stream.</param>
    /// <param name="path">Names the file in errors.</param>
    public static SafetensorsFile Open(FileStream stream, string path)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian)
        {
            stream.Dispose();
            throw new PlatformNotSupportedException("safetensors data is little-endian; big-endian hosts are not supported.");
        }

        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        bool pointerAcquired = false;
        try
        {
            long length = stream.Length;
            if (length < 8)
                throw new TensorFormatException(path, null, $"file is {length} bytes, too short for the 8-byte header length");

            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointerAcquired = true;
            pointer += view.PointerOffset;

            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(pointer, 8));
            if (headerLength > SafetensorsHeader.MaxHeaderBytes)
                throw new TensorFormatException(path, null,
                    $"declared header length {headerLength} exceeds the {SafetensorsHeader.MaxHeaderBytes}-byte cap");
            if ((long)headerLength > length - 8)
                throw new TensorFormatException(path, null, $"declared header length {headerLength} runs past the end of the {length}-byte file");

            long dataStart = 8 + (long)headerLength;
            var json = new ReadOnlySpan<byte>(pointer + 8, (int)headerLength);
            var header = SafetensorsHeader.Parse(json, dataStart, length - dataStart, path);
            return new SafetensorsFile(path, map, view, pointer, header);
        }
        catch
        {
            if (pointerAcquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Whether the file holds a tensor of this name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The named tensor's header entry; throws <see cref="TensorFormatException"/> naming it, and some present ones, if absent.</summary>
    public TensorInfo GetInfo(string name)
    {
        if (_byName.TryGetValue(name, out var info)) return info;
        var some = string.Join(", ", Tensors.Take(5).Select(t => $"'{t.Name}'"));
        var listing = Tensors.Count == 0 ? "the file holds no tensors" : $"the file holds {Tensors.Count} tensors, e.g. {some}";
        throw new TensorFormatException(Path, name, $"no such tensor; {listing}");
    }

    /// <summary>The tensor's raw little-endian bytes, zero-copy; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> GetBytes(string name) => Bytes(GetInfo(name));

    /// <summary>An F32 tensor's elements, zero-copy; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<float> GetSingles(string name)
    {
        var info = GetInfo(name);
        if (info.DType != DType.F32)
            throw new TensorFormatException(Path, name, $"dtype is {info.DType.SafetensorsName()}; GetSingles needs F32 (ReadSingles converts)");
        return MemoryMarshal.Cast<byte, float>(Bytes(info));
    }

    /// <summary>An F16 or BF16 tensor's raw 16-bit patterns, zero-copy; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<ushort> GetHalfBits(string name)
    {
        var info = GetInfo(name);
        if (info.DType is not (DType.F16 or DType.BF16))
            throw new TensorFormatException(Path, name, $"dtype is {info.DType.SafetensorsName()}; GetHalfBits needs F16 or BF16");
        return MemoryMarshal.Cast<byte, ushort>(Bytes(info));
    }

    /// <summary>A new float array of the tensor's elements, widening F16/BF16 exactly and converting I32/I64 as C# casts do.</summary>
    public float[] ReadSingles(string name)
    {
        var info = GetInfo(name);
        CheckSpanSize(info);
        var result = new float[info.ElementCount];
        ReadSingles(name, result);
        return result;
    }

    /// <summary>Converts the tensor into <paramref name="destination"/>, whose length must equal the element count.</summary>
    public void ReadSingles(string name, Span<float> destination)
    {
        var info = GetInfo(name);
        var bytes = Bytes(info);
        if (destination.Length != info.ElementCount)
            throw new ArgumentException($"destination holds {destination.Length} floats; tensor '{name}' has {info.ElementCount} elements.", nameof(destination));
        switch (info.DType)
        {
            case DType.F32:
                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
                break;
            case DType.F16:
                FloatConversion.HalfToSingle(MemoryMarshal.Cast<byte, ushort>(bytes), destination);
                break;
            case DType.BF16:
                FloatConversion.BFloat16ToSingle(MemoryMarshal.Cast<byte, ushort>(bytes), destination);
                break;
            case DType.I32:
                var ints = MemoryMarshal.Cast<byte, int>(bytes);
                for (int i = 0; i < ints.Length; i++) destination[i] = ints[i];
                break;
            case DType.I64:
                var longs = MemoryMarshal.Cast<byte, long>(bytes);
                for (int i = 0; i < longs.Length; i++) destination[i] = longs[i];
                break;
            default:
                throw new TensorFormatException(Path, name, $"cannot convert dtype {info.DType} to float");
        }
    }

    /// <summary>A new long array of an I64 or I32 tensor's elements.</summary>
    public long[] ReadInt64(string name)
    {
        var info = GetInfo(name);
        var bytes = Bytes(info);
        switch (info.DType)
        {
            case DType.I64:
                return MemoryMarshal.Cast<byte, long>(bytes).ToArray();
            case DType.I32:
                var ints = MemoryMarshal.Cast<byte, int>(bytes);
                var result = new long[ints.Length];
                for (int i = 0; i < ints.Length; i++) result[i] = ints[i];
                return result;
            default:
                throw new TensorFormatException(Path, name, $"dtype is {info.DType.SafetensorsName()}; ReadInt64 needs I64 or I32");
        }
    }

    /// <summary>Unmaps the file; spans handed out earlier become invalid.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private ReadOnlySpan<byte> Bytes(TensorInfo info)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckSpanSize(info);
        return new ReadOnlySpan<byte>(_base + info.DataOffset, (int)info.ByteLength);
    }

    private void CheckSpanSize(TensorInfo info)
    {
        if (info.ByteLength > int.MaxValue)
            throw new TensorFormatException(Path, info.Name,
                $"tensor is {info.ByteLength} bytes; tensors of 2 GiB or more cannot be exposed as a span or array");
    }
}
