using System.Buffers.Binary;
using ProbeMonitor.Formats.Numpy;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Formats.Numpy;

/// <summary>Seeded corruptions of valid .npy and .npz files: each must read or fail with TensorFormatException, within a memory bound.</summary>
public sealed class NumpyFuzzTests : IDisposable
{
    private const int Iterations = 3000;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The data once, converted copies (≤ 2 × per accessor), a doubling read buffer, plus zip and exception bookkeeping.</summary>
    private static long Allowed(long fileLength) => 8 * fileLength + 64 * 1024;

    private static float[] Values(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
    }

    private static long Touch(NpyArray a)
    {
        long sum = a.Data.Length + a.ElementCount + a.ToSingles().Length;
        if (a.DTypeDescr is "<i8" or "<i4" or "|u1") sum += a.ToInt64().Length;
        return sum;
    }

    [Fact]
    public void Npy_corruptions_on_seekable_and_forward_only_streams()
    {
        using var ms = new MemoryStream();
        NpyWriter.Write(ms, Values(24, 1), [2, 3, 4]);
        var valid = ms.ToArray();
        int headerEnd = 10 + BinaryPrimitives.ReadUInt16LittleEndian(valid.AsSpan(8));
        var mutator = new Mutator(8, headerEnd, LengthField: (8, 2));
        int n = 0;

        FuzzHarness.Run(Iterations, 7,
            rng =>
            {
                var (bytes, what) = mutator.Mutate(valid, rng);
                // Versions 2.0 and 3.0 have 4-byte lengths; move some files to them so that field gets fuzzed too.
                if (rng.Next(8) == 0 && bytes.Length > 8) bytes[6] = (byte)rng.Next(2, 4);
                return (bytes, what);
            },
            bytes => Touch(NpyReader.Read(n++ % 2 == 0 ? new MemoryStream(bytes) : new NonSeekableStream(bytes), "fuzz")),
            Allowed);
    }

    [Fact]
    public void Npz_corruptions_stored_and_deflated()
    {
        var stored = BuildNpz(compressed: false);
        var deflated = BuildNpz(compressed: true);
        var path = _dir.File("fuzz.npz");
        // The stored archive's first .npy header is plain text inside it: aim header mutations there.
        int storedHeader = stored.AsSpan().IndexOf("{'descr'"u8);
        var storedMutator = new Mutator(storedHeader, storedHeader + 118, LengthField: (storedHeader - 2, 2));
        var zipMutator = new Mutator(0, deflated.Length);
        int n = 0;

        FuzzHarness.Run(Iterations, 99,
            rng => n++ % 2 == 0 ? storedMutator.Mutate(stored, rng) : ZipFieldOrGeneric(zipMutator, deflated, rng),
            bytes =>
            {
                TempDir.Overwrite(path, bytes);
                using var npz = NpzArchive.Open(path);
                foreach (var name in npz.Names) Touch(npz.Read(name));
            },
            Allowed);
    }

    private static byte[] BuildNpz(bool compressed)
    {
        using var ms = new MemoryStream();
        using (var w = new NpzWriter(ms, compressed, leaveOpen: true))
        {
            w.Add("W_enc", Values(12, 2), 3, 4);
            w.Add("b_enc", Values(4, 3), 4);
            w.Add("steps", [1L, 2, 3], 3);
        }
        return ms.ToArray();
    }

    /// <summary>Half the time, rewrites a zip size, length or offset field (local header, central directory, end record).</summary>
    private static (byte[], string) ZipFieldOrGeneric(Mutator generic, byte[] zip, Random rng)
    {
        if (rng.Next(2) == 0) return generic.Mutate(zip, rng);
        var fields = new List<int>();
        for (int p = 0; p + 4 <= zip.Length; p++)
        {
            uint sig = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(p));
            if (sig == 0x04034b50) fields.AddRange([p + 18, p + 22, p + 26]);             // local: sizes, name+extra lengths
            else if (sig == 0x02014b50) fields.AddRange([p + 20, p + 24, p + 28, p + 42]); // central: sizes, lengths, offset
            else if (sig == 0x06054b50) fields.AddRange([p + 8, p + 12, p + 16]);          // end: counts, size, offset
        }
        var b = (byte[])zip.Clone();
        int at = fields[rng.Next(fields.Count)];
        uint value = rng.Next(4) switch
        {
            0 => 0,
            1 => uint.MaxValue - (uint)rng.Next(8),
            2 => (uint)rng.Next(0, 2 * zip.Length),
            _ => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) + (uint)rng.Next(-4, 5),
        };
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), value);
        return (b, $"zip field at {at} -> {value}");
    }
}
