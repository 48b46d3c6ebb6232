namespace ProbeMonitor.Tokenization;

/// <summary>One step of the decoder pipeline, applied to the whole token list as Hugging Face does.</summary>
internal abstract record DecoderStep
{
    /// <summary>Transforms the token strings.</summary>
    public abstract List<string> Apply(List<string> tokens);
}

/// <summary>Replaces a literal in every token (Gemma: "▁" → " ").</summary>
internal sealed record ReplaceDecoder(string Pattern, string Content) : DecoderStep
{
    /// <inheritdoc/>
    public override List<string> Apply(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++) tokens[i] = tokens[i].Replace(Pattern, Content, StringComparison.Ordinal);
        return tokens;
    }
}

/// <summary>Concatenates all tokens into one.</summary>
internal sealed record FuseDecoder : DecoderStep
{
    /// <inheritdoc/>
    public override List<string> Apply(List<string> tokens) => [string.Concat(tokens)];
}

/// <summary>Removes up to <see cref="Start"/> leading and <see cref="Stop"/> trailing copies of <see cref="Content"/> from every token.</summary>
internal sealed record StripDecoder(char Content, int Start, int Stop) : DecoderStep
{
    /// <inheritdoc/>
    public override List<string> Apply(List<string> tokens)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            int from = 0, to = t.Length;
            while (from < Start && from < to && t[from] == Content) from++;
            while (t.Length - to < Stop && to > from && t[to - 1] == Content) to--;
            tokens[i] = t[from..to];
        }
        return tokens;
    }
}

/// <summary>Turns runs of &lt;0xNN&gt; tokens back into the UTF-8 text they spell; an invalid run becomes one U+FFFD per byte, as Hugging Face does.</summary>
internal sealed record ByteFallbackDecoder : DecoderStep
{
    /// <inheritdoc/>
    public override List<string> Apply(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var bytes = new List<byte>();
        foreach (var t in tokens)
        {
            if (ByteTokens.TryParse(t, out byte b))
            {
                bytes.Add(b);
                continue;
            }
            Flush(bytes, result);
            result.Add(t);
        }
        Flush(bytes, result);
        return result;
    }

    private static void Flush(List<byte> bytes, List<string> result)
    {
        if (bytes.Count == 0) return;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes);
        result.Add(System.Text.Unicode.Utf8.IsValid(span)
            ? System.Text.Encoding.UTF8.GetString(span)
            : new string('\uFFFD', bytes.Count));
        bytes.Clear();
    }
}
