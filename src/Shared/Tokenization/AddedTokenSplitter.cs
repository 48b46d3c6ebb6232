namespace ProbeMonitor.Tokenization;

/// <summary>A piece of text after splitting on added tokens: either an added token or plain text for the model.</summary>
/// <param name="Start">Offset of the piece in the text.</param>
/// <param name="Length">Its length in chars (for a token, including any whitespace it stripped).</param>
/// <param name="Token">The added token, or null for plain text.</param>
internal readonly record struct TextPiece(int Start, int Length, AddedToken? Token);

/// <summary>Finds added tokens in text, leftmost-longest and non-overlapping as Hugging Face's matcher does, with a character trie.</summary>
internal sealed class AddedTokenSplitter
{
    private readonly List<Dictionary<char, int>?> _children = [null];
    private readonly List<AddedToken?> _terminal = [null];
    private readonly ulong[] _firstChars = new ulong[(char.MaxValue + 1) / 64];

    /// <summary>Indexes the tokens under the text they match (<paramref name="matchText"/> maps a token to it).</summary>
    public AddedTokenSplitter(IEnumerable<AddedToken> tokens, Func<AddedToken, string> matchText)
    {
        foreach (var token in tokens)
        {
            var text = matchText(token);
            if (text.Length == 0) continue;
            int node = 0;
            foreach (char c in text)
            {
                var children = _children[node] ??= [];
                if (!children.TryGetValue(c, out int child))
                {
                    child = _children.Count;
                    children[c] = child;
                    _children.Add(null);
                    _terminal.Add(null);
                }
                node = child;
            }
            _terminal[node] ??= token; // the first of two tokens with the same text wins
            _firstChars[text[0] >> 6] |= 1UL << (text[0] & 63);
            IsEmpty = false;
        }
    }

    /// <summary>True when no token is indexed: the text is one plain piece.</summary>
    public bool IsEmpty { get; } = true;

    /// <summary>Splits <paramref name="text"/> into plain pieces and added tokens, in order, appending to <paramref name="pieces"/>.</summary>
    /// <remarks>A single_word token with a word character beside it is not a match, and its text stays plain (as in Hugging Face,
    /// whose matcher has already consumed that span). lstrip/rstrip tokens swallow the whitespace beside them.</remarks>
    public void Split(ReadOnlySpan<char> text, List<TextPiece> pieces)
    {
        int plainStart = 0;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if ((_firstChars[c >> 6] & (1UL << (c & 63))) == 0 || LongestAt(text, i) is not ({ } token, int length))
            {
                i++;
                continue;
            }
            int start = i, end = i + length;
            if (token.SingleWord && ((start > 0 && IsWordChar(text[start - 1])) || (end < text.Length && IsWordChar(text[end]))))
            {
                i = end;
                continue;
            }
            if (token.LStrip)
                while (start > plainStart && char.IsWhiteSpace(text[start - 1])) start--;
            if (token.RStrip)
                while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
            if (start > plainStart) pieces.Add(new TextPiece(plainStart, start - plainStart, null));
            pieces.Add(new TextPiece(start, end - start, token));
            plainStart = i = end;
        }
        if (plainStart < text.Length) pieces.Add(new TextPiece(plainStart, text.Length - plainStart, null));
    }

    private (AddedToken?, int) LongestAt(ReadOnlySpan<char> text, int start)
    {
        AddedToken? best = null;
        int bestLength = 0, node = 0;
        for (int i = start; i < text.Length; i++)
        {
            if (_children[node] is not { } children || !children.TryGetValue(text[i], out node)) break;
            if (_terminal[node] is { } token)
            {
                best = token;
                bestLength = i - start + 1;
            }
        }
        return (best, bestLength);
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';
}
