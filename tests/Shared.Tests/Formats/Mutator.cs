using System.Buffers.Binary;
using System.Text;

namespace ProbeMonitor.Shared.Tests.Formats;

/// <summary>Seeded random corruptions of a valid file, aimed at where parsers go wrong: length fields, header text, numbers, truncation.</summary>
/// <param name="LengthField">Offset and size (2, 4 or 8 bytes) of a little-endian length the format declares, if any.</param>
/// <param name="HeaderStart">First byte of the textual header region that mutations favour.</param>
/// <param name="HeaderEnd">One past its last byte.</param>
internal sealed record Mutator(int HeaderStart, int HeaderEnd, (int Offset, int Size)? LengthField = null)
{
    private static readonly string[] NumberReplacements =
    [
        "0", "1", "-1", "2", "7", "1.5", "1e3", "1e400", "-0", "255", "65536", "4294967296", "2147483648",
        "9223372036854775807", "9223372036854775808", "18446744073709551616", "3037000500", "99999999999999999999999",
    ];

    private static readonly byte[] Structural = "{}[],:\"' ()"u8.ToArray();

    /// <summary>Returns a mutated copy and a description for failure messages.</summary>
    public (byte[] Bytes, string What) Mutate(byte[] original, Random rng)
    {
        int kind = rng.Next(LengthField is null ? 7 : 8);
        return kind switch
        {
            0 => BitFlips(original, rng),
            1 => Overwrite(original, rng),
            2 => Truncate(original, rng),
            3 => NumberTweak(original, rng),
            4 => StructuralSwap(original, rng),
            5 => InsertOrDelete(original, rng),
            6 => Combined(original, rng),
            _ => LengthChange(original, rng),
        };
    }

    private int Position(byte[] bytes, Random rng) =>
        rng.Next(3) < 2 && HeaderEnd > HeaderStart && HeaderEnd <= bytes.Length
            ? rng.Next(HeaderStart, HeaderEnd)
            : rng.Next(bytes.Length);

    private (byte[], string) BitFlips(byte[] original, Random rng)
    {
        var b = (byte[])original.Clone();
        int n = rng.Next(1, 5);
        var where = new List<string>();
        for (int i = 0; i < n; i++)
        {
            int p = Position(b, rng), bit = rng.Next(8);
            b[p] ^= (byte)(1 << bit);
            where.Add($"{p}.{bit}");
        }
        return (b, $"bit flips at {string.Join(" ", where)}");
    }

    private (byte[], string) Overwrite(byte[] original, Random rng)
    {
        var b = (byte[])original.Clone();
        int p = Position(b, rng), n = Math.Min(rng.Next(1, 5), b.Length - p);
        for (int i = 0; i < n; i++) b[p + i] = (byte)rng.Next(256);
        return (b, $"overwrote {n} bytes at {p}");
    }

    private static (byte[], string) Truncate(byte[] original, Random rng)
    {
        int length = rng.Next(original.Length);
        return (original[..length], $"truncated to {length}");
    }

    private (byte[], string) LengthChange(byte[] original, Random rng)
    {
        var b = (byte[])original.Clone();
        var (offset, size) = LengthField!.Value;
        ulong current = size switch
        {
            2 => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(offset)),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(offset)),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(offset)),
        };
        ulong value = rng.Next(5) switch
        {
            0 => current + (ulong)rng.Next(-16, 17),
            1 => (ulong)rng.Next(0, 2 * original.Length),
            2 => (ulong)rng.NextInt64(),
            3 => ulong.MaxValue - (ulong)rng.Next(16),
            _ => 1UL << rng.Next(size * 8),
        };
        switch (size)
        {
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(offset), (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), (uint)value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(offset), value); break;
        }
        return (b, $"length field {current} -> {value} (truncated to {size} bytes)");
    }

    /// <summary>Replaces one run of ASCII digits in the header with a boundary value.</summary>
    private (byte[], string) NumberTweak(byte[] original, Random rng)
    {
        var runs = new List<(int Start, int End)>();
        int end = Math.Min(HeaderEnd, original.Length);
        for (int i = HeaderStart; i < end; i++)
        {
            if (!char.IsAsciiDigit((char)original[i])) continue;
            int start = i;
            while (i < end && char.IsAsciiDigit((char)original[i])) i++;
            runs.Add((start, i));
        }
        if (runs.Count == 0) return BitFlips(original, rng);
        var (s, e) = runs[rng.Next(runs.Count)];
        long old = long.TryParse(Encoding.ASCII.GetString(original, s, e - s), out var v) ? v : 0;
        var replacement = rng.Next(3) switch
        {
            0 => NumberReplacements[rng.Next(NumberReplacements.Length)],
            1 => (old + rng.Next(-8, 9)).ToString(),
            _ => (old * rng.Next(2, 1000)).ToString(),
        };
        var b = original[..s].Concat(Encoding.ASCII.GetBytes(replacement)).Concat(original[e..]).ToArray();
        return (b, $"number at {s} {old} -> {replacement}");
    }

    private (byte[], string) StructuralSwap(byte[] original, Random rng)
    {
        var b = (byte[])original.Clone();
        var candidates = Enumerable.Range(HeaderStart, Math.Max(0, Math.Min(HeaderEnd, b.Length) - HeaderStart))
            .Where(i => Array.IndexOf(Structural, b[i]) >= 0).ToList();
        if (candidates.Count == 0) return Overwrite(original, rng);
        int p = candidates[rng.Next(candidates.Count)];
        byte replacement = Structural[rng.Next(Structural.Length)];
        b[p] = replacement;
        return (b, $"structural char at {p} -> '{(char)replacement}'");
    }

    private (byte[], string) InsertOrDelete(byte[] original, Random rng)
    {
        int p = Position(original, rng);
        if (rng.Next(2) == 0)
        {
            byte x = rng.Next(2) == 0 ? Structural[rng.Next(Structural.Length)] : (byte)rng.Next(256);
            return (original[..p].Append(x).Concat(original[p..]).ToArray(), $"inserted {x} at {p}");
        }
        return (original[..p].Concat(original[Math.Min(original.Length, p + 1)..]).ToArray(), $"deleted byte at {p}");
    }

    private (byte[], string) Combined(byte[] original, Random rng)
    {
        var (first, w1) = Overwrite(original, rng);
        var (second, w2) = NumberTweak(first, rng);
        return (second, $"{w1}; {w2}");
    }
}
