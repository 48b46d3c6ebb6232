using System.Text;

namespace ProbeMonitor.Monitor.Grpc;

/// <summary>The percent-encoding of <c>grpc-message</c>: UTF-8, with every byte outside 0x20–0x7E and '%' itself written as %XX.</summary>
public static class GrpcStatusMessageEncoding
{
    /// <summary>Encodes a status detail for the <c>grpc-message</c> header.</summary>
    public static string Encode(string detail)
    {
        if (!NeedsEncoding(detail)) return detail;
        var sb = new StringBuilder(detail.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(detail))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%') sb.Append((char)b);
            else sb.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
        }
        return sb.ToString();
    }

    /// <summary>Decodes a <c>grpc-message</c> value; broken %-escapes are kept as they are (the spec forbids failing on them).</summary>
    public static string Decode(string value)
    {
        if (!value.Contains('%')) return value;
        var bytes = new List<byte>(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '%' && i + 2 < value.Length
                && HexValue(value[i + 1]) is var hi and >= 0 && HexValue(value[i + 2]) is var lo and >= 0)
            {
                bytes.Add((byte)(hi << 4 | lo));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // A raw non-ASCII character (not allowed on the wire, but tolerated): keep it, surrogate pairs whole.
                int n = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]) ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(value.Substring(i, n)));
                i += n - 1;
            }
        }
        // Invalid UTF-8 becomes U+FFFD rather than an exception: decoding must never lose the message.
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool NeedsEncoding(string s)
    {
        foreach (char c in s)
            if (c is < ' ' or > '~' or '%') return true;
        return false;
    }

    private static char HexDigit(int v) => (char)(v < 10 ? '0' + v : 'A' + v - 10);

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };
}
