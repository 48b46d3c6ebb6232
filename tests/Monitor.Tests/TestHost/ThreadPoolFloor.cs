using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ProbeMonitor.Monitor.Tests.TestHost;

/// <summary>Raises this test host's thread-pool floor before any test runs.</summary>
/// <remarks>Many tests here run peers with blocking process calls (python3, promtool, protoc, the sidecar executable), some on
/// pool threads through <c>Task.Run</c>, while other classes run Kestrel servers and gRPC calls in parallel. On two cores
/// the pool starts with two threads and, when they are all blocked, adds roughly one more per half second. A few blocked
/// peers at once could then hold up every other test's continuations for seconds: the likely cause of rare 10 s timeouts
/// in the gRPC deadline and cancellation tests, which never reproduced in isolation. The sidecar itself blocks no pool
/// threads, so this is the test host's setting, not the product's.</remarks>
internal static class ThreadPoolFloor
{
    /// <summary>The pool's minimum worker and I/O threads while the tests run.</summary>
    public const int MinimumThreads = 64;

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "A test assembly: the setting must be in place before xunit starts any test, and applies to this host only.")]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out int worker, out int io);
        ThreadPool.SetMinThreads(Math.Max(worker, MinimumThreads), Math.Max(io, MinimumThreads));
    }
}
