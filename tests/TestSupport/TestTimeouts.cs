namespace ProbeMonitor.TestSupport;

/// <summary>Bounds on waits in tests, so a broken test fails instead of hanging the run.</summary>
public static class TestTimeouts
{
    /// <summary>For waits that should end at once: far above any honest delay on a loaded 2-core machine, reached only by a broken test.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
}
