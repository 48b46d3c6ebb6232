using Xunit;

namespace ProbeMonitor.TestSupport;

/// <summary>A fact that needs a file or folder of ../shared/ and skips, naming it, when it is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    /// <summary>Skip unless every given path exists under the shared folder.</summary>
    public SharedDataFactAttribute(params string[] relativePaths)
    {
        foreach (var rel in relativePaths)
        {
            var full = RepoPaths.Shared(rel);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                Skip = $"shared data absent: {full} (tests that use ../shared/ skip without it)";
                return;
            }
        }
    }
}

/// <summary>A theory that needs shared data, as <see cref="SharedDataFactAttribute"/>.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    /// <summary>Skip unless every given path exists under the shared folder.</summary>
    public SharedDataTheoryAttribute(params string[] relativePaths)
    {
        foreach (var rel in relativePaths)
        {
            var full = RepoPaths.Shared(rel);
            if (!File.Exists(full) && !Directory.Exists(full))
            {
                Skip = $"shared data absent: {full}";
                return;
            }
        }
    }
}
