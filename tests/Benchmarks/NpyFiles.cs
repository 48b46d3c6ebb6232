using ProbeMonitor.Formats.Numpy;

namespace ProbeMonitor.Benchmarks;

/// <summary>Writes a benchmark's inputs as .npy files for the Python peer to read.</summary>
internal static class NpyFiles
{
    /// <summary>Writes {dir}/{name}.npy holding float32 <paramref name="data"/> of <paramref name="shape"/>; returns its path.</summary>
    public static string Write(string dir, string name, float[] data, long[] shape)
    {
        var path = Path.Combine(dir, name + ".npy");
        using var stream = File.Create(path);
        NpyWriter.Write(stream, data, shape);
        return path;
    }

    /// <summary>Writes {dir}/{name}.npy holding <paramref name="data"/> as int64 (numpy's default integer); returns its path.</summary>
    public static string Write(string dir, string name, int[] data)
    {
        var path = Path.Combine(dir, name + ".npy");
        using var stream = File.Create(path);
        NpyWriter.Write(stream, data.Select(v => (long)v).ToArray(), [data.Length]);
        return path;
    }
}
