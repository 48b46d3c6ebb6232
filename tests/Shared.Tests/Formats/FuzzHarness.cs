using ProbeMonitor.Formats;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats;

/// <summary>Runs seeded mutations through a reader: each must succeed or throw TensorFormatException, within an allocation bound.</summary>
internal static class FuzzHarness
{
    /// <summary>
    /// Runs <paramref name="iterations"/> mutations from <paramref name="mutate"/> through <paramref name="read"/>. Allocation is
    /// measured on this thread; an input over <paramref name="allowedBytes"/> is read a second time and judged on that, so one-time
    /// runtime costs (first exception of a kind, resource strings) do not count against the reader.
    /// </summary>
    public static (int Ok, int Rejected) Run(int iterations, int seed, Func<Random, (byte[] Bytes, string What)> mutate,
        Action<byte[]> read, Func<long, long> allowedBytes)
    {
        var rng = new Random(seed);
        int ok = 0, rejected = 0;
        for (int i = 0; i < iterations; i++)
        {
            var (bytes, what) = mutate(rng);
            var (succeeded, allocated) = Attempt(bytes, read, i, what);
            if (allocated > allowedBytes(bytes.Length)) (succeeded, allocated) = Attempt(bytes, read, i, what);
            Assert.True(allocated <= allowedBytes(bytes.Length),
                $"iteration {i} ({what}): allocated {allocated} bytes for a {bytes.Length}-byte file");
            if (succeeded) ok++; else rejected++;
        }
        // Both outcomes must be common, or the mutations are not exercising the reader.
        Assert.True(rejected > iterations / 4, $"only {rejected} of {iterations} corruptions were rejected");
        Assert.True(ok > iterations / 50, $"only {ok} of {iterations} corruptions still read");
        return (ok, rejected);
    }

    private static (bool Succeeded, long Allocated) Attempt(byte[] bytes, Action<byte[]> read, int iteration, string what)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        bool succeeded;
        try
        {
            read(bytes);
            succeeded = true;
        }
        catch (TensorFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Problem));
            succeeded = false;
        }
        catch (Exception e)
        {
            Assert.Fail($"iteration {iteration} ({what}): {e.GetType().Name} escaped: {e}");
            throw;
        }
        return (succeeded, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
