namespace ProbeMonitor.TestSupport;

/// <summary>Locates the repository root and the real data in <c>../shared/</c> beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding ProbeMonitor.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>The shared data folder: $PROBEMONITOR_SHARED when set, else ../shared beside the checkout.</summary>
    public static string SharedDir =>
        Environment.GetEnvironmentVariable("PROBEMONITOR_SHARED") is { Length: > 0 } fromEnv
            ? fromEnv
            : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>A path inside the shared data folder.</summary>
    public static string Shared(string relative) => Path.Combine(SharedDir, relative);

    /// <summary>A fresh empty temporary directory; callers delete it.</summary>
    public static string NewTempDir(string prefix = "pm-test")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ProbeMonitor.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"ProbeMonitor.sln not found above {AppContext.BaseDirectory}.");
    }
}
