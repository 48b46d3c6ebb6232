namespace ProbeMonitor.Formats.Numpy;

/// <summary>The .npy dtype descriptors this reader understands, all little-endian or byte-sized.</summary>
internal static class NpyDescr
{
    public const string Float32 = "<f4";
    public const string Float16 = "<f2";
    public const string Float64 = "<f8";
    public const string Int64 = "<i8";
    public const string Int32 = "<i4";
    public const string UInt8 = "|u1";

    /// <summary>Bytes per element, or a <see cref="TensorFormatException"/> explaining why the descriptor is refused.</summary>
    public static int ItemSize(string descr, string arrayName, string? path) => descr switch
    {
        Float32 or Int32 => 4,
        Float16 => 2,
        Float64 or Int64 => 8,
        UInt8 => 1,
        _ when descr.StartsWith('>') =>
            throw new TensorFormatException(path, arrayName, $"big-endian dtype '{descr}' is not supported; save it as little-endian (arr.astype('<{descr[1..]}'))"),
        _ => throw new TensorFormatException(path, arrayName,
            $"unsupported dtype '{(descr.Length <= 20 ? descr : descr[..20] + "…")}' (supported: <f4, <f2, <f8, <i8, <i4, |u1)"),
    };
}
