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

        FuzzHarness.Run(Iterations, 20250101,
            rng => mutator.Mutate(valid, rng),
            bytes =>
            {
                TempDir.Overwrite(path, bytes);
                ReadEverything(path);
            },
            // Mapped reads allocate only header bookkeeping and the converted copies (≤ 2 × data per accessor).
            fileLength => 4 * fileLength + 64 * 1024);
    }
}
