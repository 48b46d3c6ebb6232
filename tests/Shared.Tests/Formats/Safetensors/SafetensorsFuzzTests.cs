using System.Buffers.Binary;
using ProbeMonitor.Formats;
using ProbeMonitor.Formats.Safetensors;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats.Safetensors;

/// <summary>Thousands of seeded corruptions of a valid file: each must read cleanly or fail with TensorFormatException, within a memory bound.</summary>
public sealed class SafetensorsFuzzTests : IDisposable
{
    private const int Iterations = 3000;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] ValidFile()
    {
        var rng = new Random(11);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble() * 4 - 2).ToArray();
        using var ms = new MemoryStream();
        SafetensorsWriter.Write(ms,
        [
            TensorToWrite.Singles("W_enc", Values(12), 3, 4),
            TensorToWrite.BFloat16("W_dec", Values(8), 4, 2),
            TensorToWrite.Half("b_enc", Values(4), 4),
            TensorToWrite.Int64("steps", [1, 2, 3], 3),
            TensorToWrite.Singles("threshold", [0.5f]),
            TensorToWrite.Singles("empty", [], 0, 3),
            new TensorToWrite("ids", DType.I32, [2], new byte[8]),
        ], new Dictionary<string, string> { ["d_in"] = "4", ["hook"] = "blocks.12.hook_resid_post" });
        return ms.ToArray();
    }

    /// <summary>Touches every tensor through every accessor that its dtype allows, as a consumer would.</summary>
    private static long ReadEverything(string path)
    {
        long checksum = 0;
        using var file = SafetensorsFile.Open(path);
        checksum += file.Metadata.Count;
        foreach (var t in file.Tensors)
        {
            var info = file.GetInfo(t.Name);
            checksum += file.GetBytes(t.Name).Length + info.ElementCount;
            checksum += file.ReadSingles(t.Name).Length;
            switch (t.DType)
            {
                case DType.F32: checksum += file.GetSingles(t.Name).Length; break;
                case DType.F16 or DType.BF16: checksum += file.GetHalfBits(t.Name).Length; break;
                default: checksum += file.ReadInt64(t.Name).Length; break;
            }
        }
        return checksum;
    }

    [Fact]
    public void Random_corruptions_either_read_or_raise_TensorFormatException_within_a_memory_bound()
    {
        var valid = ValidFile();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var mutator = new Mutator(8, headerEnd, LengthField: (0, 8));
        var path = _dir.File("fuzz.safetensors");
        File.WriteAllBytes(path, valid);
        Assert.True(ReadEverything(path) > 0); // warm up so one-time static allocations are not counted below

        var rng = new Random(20250101);
        int ok = 0, rejected = 0;
        long worstRatio = 0;
        for (int i = 0; i < Iterations; i++)
        {
            var (bytes, what) = mutator.Mutate(valid, rng);
            TempDir.Overwrite(path, bytes);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                ReadEverything(path);
                ok++;
            }
            catch (TensorFormatException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Problem));
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"iteration {i} ({what}): {e.GetType().Name} escaped: {e}");
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            // Readers allocate at most the converted copies (≤ 2 × data per accessor) plus header bookkeeping.
            long bound = 4L * bytes.Length + 64 * 1024;
            Assert.True(allocated <= bound, $"iteration {i} ({what}): allocated {allocated} bytes for a {bytes.Length}-byte file");
            worstRatio = Math.Max(worstRatio, allocated / Math.Max(1, bytes.Length));
        }
        // The mutations must exercise both paths, or the test proves nothing.
        Assert.True(rejected > Iterations / 4, $"only {rejected} of {Iterations} corruptions were rejected");
        Assert.True(ok > Iterations / 50, $"only {ok} of {Iterations} corruptions still read");
    }
}
