namespace ProbeMonitor.Shared.Tests.Formats;

/// <summary>A temporary directory removed at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = ProbeMonitor.TestSupport.RepoPaths.NewTempDir("pm-formats");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, byte[] bytes)
    {
        var path = File(name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Rewrites a file in place: truncating to zero first makes ext4 flush on close, which is ten times slower.</summary>
    public static void Overwrite(string path, byte[] bytes)
    {
        using var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write);
        fs.Write(bytes);
        fs.SetLength(bytes.Length);
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
