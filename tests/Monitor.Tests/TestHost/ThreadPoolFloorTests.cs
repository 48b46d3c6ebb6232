using Xunit;

namespace ProbeMonitor.Monitor.Tests.TestHost;

/// <summary>The floor is in place by the time tests run (the module initializer ran).</summary>
public sealed class ThreadPoolFloorTests
{
    [Fact]
    public void The_thread_pool_floor_is_raised_before_tests_run()
    {
        ThreadPool.GetMinThreads(out int worker, out int io);
        Assert.True(worker >= ThreadPoolFloor.MinimumThreads, $"worker floor {worker}");
        Assert.True(io >= ThreadPoolFloor.MinimumThreads, $"I/O floor {io}");
    }
}
