using System.Security.Cryptography;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>SHA-256 of a bundle's weights file, as lower-case hex.</summary>
internal static class WeightsHash
{
    public static string Compute(string path)
    {
        using var stream = OpenRead(path);
        return Compute(stream);
    }

    /// <summary>Hashes <paramref name="stream"/> from its start and leaves it at its end.</summary>
    public static string Compute(FileStream stream)
    {
        stream.Position = 0;
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Opens a weights file for hashing and then mapping through the same handle.</summary>
    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
}
