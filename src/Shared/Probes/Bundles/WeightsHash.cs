using System.Security.Cryptography;

namespace ProbeMonitor.Probes.Bundles;

/// <summary>SHA-256 of a bundle's weights file, as lower-case hex.</summary>
internal static class WeightsHash
{
    public static string Compute(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
