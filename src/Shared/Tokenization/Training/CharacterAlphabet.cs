namespace ProbeMonitor.Tokenization.Training;

/// <summary>Chooses the characters that get their own token; the rest are spelled with byte-fallback tokens.</summary>
public static class CharacterAlphabet
{
    /// <summary>"▁", which stands for a space and is always in the alphabet so the encoder can split words.</summary>
    public const string Metaspace = "\u2581";

    /// <summary>
    /// "▁" first, then characters by falling count (ties by ordinal), until they cover <paramref name="coverage"/> of all
    /// occurrences (the character that crosses the line is kept), at most <paramref name="capacity"/> in all.
    /// </summary>
    public static IReadOnlyList<string> Choose(IReadOnlyDictionary<string, long> counts, double coverage, int capacity)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var alphabet = new List<string>();
        if (capacity <= 0) return alphabet;
        alphabet.Add(Metaspace);
        double total = counts.Values.Sum();
        double covered = counts.GetValueOrDefault(Metaspace);
        foreach (var (ch, count) in counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (alphabet.Count >= capacity || covered >= coverage * total) break;
            if (ch == Metaspace) continue;
            alphabet.Add(ch);
            covered += count;
        }
        return alphabet;
    }
}
