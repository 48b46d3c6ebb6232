using ProbeMonitor.Kernels;
using ProbeMonitor.Kernels.Managed;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Kernels;

public sealed class GemmThreadingTests
{
    [Fact]
    public void A_scope_plans_one_task_and_closing_it_restores_the_split()
    {
        int m = 32, n = 194, k = 2304; // well above the parallel threshold
        var outside = TaskGrid.Plan(m, n, k, 4, 4, 224);
        using (GemmThreading.OnCallingThread())
        {
            Assert.True(GemmThreading.IsCallingThreadOnly);
            using (GemmThreading.OnCallingThread()) Assert.Equal(1, TaskGrid.Plan(m, n, k, 4, 4, 224).Count);
            Assert.True(GemmThreading.IsCallingThreadOnly); // the inner scope leaves the outer open
            Assert.Equal(1, TaskGrid.Plan(m, n, k, 4, 4, 224).Count);
        }
        Assert.False(GemmThreading.IsCallingThreadOnly);
        Assert.Equal(outside, TaskGrid.Plan(m, n, k, 4, 4, 224));
        if (Environment.ProcessorCount > 1) Assert.True(outside.Count > 1);
    }

    [Theory]
    [InlineData(32, 194, 2304)] // dot kernel (fewer than 64 rows)
    [InlineData(96, 130, 700)]  // broadcast kernel
    public void Products_on_the_calling_thread_equal_the_split_ones_bit_for_bit(int m, int n, int k)
    {
        var random = new Random(m + n + k);
        var a = Enumerable.Range(0, m * k).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        var b = Enumerable.Range(0, n * k).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        var split = new float[m * n];
        var inline = new float[m * n];
        var naive = new float[m * n];
        var gemm = new ManagedGemm();
        gemm.MultiplyTransposedB(a, b, split, m, n, k);
        using (GemmThreading.OnCallingThread()) gemm.MultiplyTransposedB(a, b, inline, m, n, k);
        Assert.Equal(split, inline);
        new NaiveGemmBackend().MultiplyTransposedB(a, b, naive, m, n, k);
        for (int i = 0; i < naive.Length; i++) Assert.True(Math.Abs(naive[i] - inline[i]) <= 1e-4f * (1 + Math.Abs(naive[i])), $"element {i}: {inline[i]} vs naive {naive[i]}");
    }

    [Fact]
    public void Closing_a_scope_on_another_thread_is_refused()
    {
        var scope = GemmThreading.OnCallingThread();
        try
        {
            Exception? error = null;
            var other = new Thread(() => error = Record.Exception(scope.Dispose));
            other.Start();
            other.Join();
            Assert.IsType<InvalidOperationException>(error);
            Assert.Contains("thread that opened it", error!.Message);
        }
        finally
        {
            scope.Dispose();
        }
        Assert.False(GemmThreading.IsCallingThreadOnly);
    }
}
