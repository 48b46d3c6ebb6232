using System.Text;

namespace ProbeMonitor.Tokenization.Training;

/// <summary>The corpus as the BPE model will see it: distinct words with their counts, split exactly where <see cref="GemmaTokenizer"/> splits.</summary>
/// <remarks>
/// Text is cut at the raw-matched added tokens (so "\n" never joins a word), normalised (" " → "▁") and cut before every "▁"
/// that follows another character. No trained token can then hold "▁" after another character, which is the property that lets
/// <see cref="BpeModel"/> encode word by word.
/// </remarks>
public sealed class WordCounts
{
    private const char Metaspace = '\u2581';

    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly AddedTokenSplitter _splitter;
    private readonly List<TextPiece> _pieces = [];

    /// <summary>An empty count.</summary>
    public WordCounts()
    {
        _lookup = _counts.GetAlternateLookup<ReadOnlySpan<char>>();
        _splitter = new AddedTokenSplitter(GemmaTokenLayout.AddedTokens, t => t.Content);
    }

    /// <summary>Texts added so far.</summary>
    public long Texts { get; private set; }

    /// <summary>Chars of text added so far (before normalisation).</summary>
    public long Chars { get; private set; }

    /// <summary>Distinct words.</summary>
    public int Distinct => _counts.Count;

    /// <summary>Adds one text.</summary>
    public void Add(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Texts++;
        Chars += text.Length;
        text = GemmaTokenizer.ReplaceLoneSurrogates(text);
        _pieces.Clear();
        _splitter.Split(text, _pieces);
        Span<char> buffer = stackalloc char[256];
        foreach (var piece in _pieces)
        {
            if (piece.Token is not null) continue;
            var raw = text.AsSpan(piece.Start, piece.Length);
            char[]? big = raw.Length > buffer.Length ? new char[raw.Length] : null;
            var normalized = (big ?? buffer)[..raw.Length];
            raw.Replace(normalized, ' ', Metaspace);
            int start = 0;
            for (int i = 1; i < normalized.Length; i++)
            {
                if (normalized[i] == Metaspace && normalized[i - 1] != Metaspace)
                {
                    Count(normalized[start..i]);
                    start = i;
                }
            }
            Count(normalized[start..]);
        }
    }

    private void Count(ReadOnlySpan<char> word)
    {
        if (word.IsEmpty) return;
        if (_lookup.TryGetValue(word, out long n)) _lookup[word] = n + 1;
        else _lookup[word] = 1;
    }

    /// <summary>The distinct words and counts, in ordinal order of the word (so results never depend on hashing).</summary>
    public IReadOnlyList<(string Word, long Count)> Sorted() =>
        _counts.Select(kv => (kv.Key, kv.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();

    /// <summary>Occurrences of each character (Unicode scalar, as a string) over all words.</summary>
    public Dictionary<string, long> CharacterCounts()
    {
        var chars = new Dictionary<int, long>();
        foreach (var (word, count) in _counts)
            foreach (var rune in word.EnumerateRunes())
                chars[rune.Value] = chars.GetValueOrDefault(rune.Value) + count;
        return chars.ToDictionary(kv => new Rune(kv.Key).ToString(), kv => kv.Value, StringComparer.Ordinal);
    }
}
