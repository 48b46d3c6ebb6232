namespace ProbeMonitor.Tokenization;

/// <summary>The spelling of byte-fallback tokens, "&lt;0x0A&gt;".</summary>
internal static class ByteTokens
{
    /// <summary>The vocabulary entry for a byte.</summary>
    public static string Name(byte b) => $"<0x{b:X2}>";

    /// <summary>Whether a token is a byte-fallback token, and which byte.</summary>
    public static bool TryParse(string token, out byte value)
    {
        value = 0;
        return token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out value);
    }
}
