namespace ProbeMonitor.Tokenization.Training;

/// <summary>Trains a byte-fallback BPE vocabulary in Gemma's shape from a corpus; the same corpus and options give the same tokenizer.</summary>
/// <remarks>
/// Classic BPE over distinct words (<see cref="WordCounts"/>): start from one symbol per alphabet character (other characters as
/// their UTF-8 byte tokens, which never merge, as in SentencePiece), then repeatedly merge the most frequent adjacent pair. Only
/// the words holding the merged pair are rewritten and only their pair counts change, so a merge costs time in proportion to
/// where the pair occurs, not to the corpus. Nothing is random: ties go to the smaller id pair.
/// </remarks>
public static class BpeTrainer
{
    /// <summary>Trains on the counted corpus.</summary>
    /// <param name="corpus">The words of the corpus.</param>
    /// <param name="options">Vocabulary size and limits.</param>
    /// <param name="progress">Receives a line now and then (may be null).</param>
    /// <exception cref="ArgumentOutOfRangeException">The vocabulary size is below the added tokens plus 256 bytes, or another option is out of range.</exception>
    /// <exception cref="InvalidDataException">The corpus holds no text outside added tokens.</exception>
    public static TrainedTokenizer Train(WordCounts corpus, BpeTrainingOptions options, TextWriter? progress = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (corpus.Distinct == 0)
            throw new InvalidDataException($"the corpus is empty: {corpus.Texts} texts hold no characters to learn from (only added tokens such as newlines, or nothing).");

        var tokens = new List<string>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in GemmaTokenLayout.AddedTokens) Add(token.Content);
        for (int b = 0; b < 256; b++) Add(ByteTokens.Name((byte)b));

        var charCounts = corpus.CharacterCounts();
        var alphabet = CharacterAlphabet.Choose(charCounts, options.CharacterCoverage, options.VocabSize - tokens.Count);
        foreach (var ch in alphabet) Add(ch);
        int fixedCount = tokens.Count;
        progress?.WriteLine($"train-tokenizer: {corpus.Texts} texts, {corpus.Chars} chars, {corpus.Distinct} distinct words, "
                            + $"{charCounts.Count} distinct characters, alphabet {alphabet.Count}");

        var words = corpus.Sorted();
        var symbols = new int[words.Count][];
        var lengths = new int[words.Count];
        var stats = new PairStatistics();
        for (int w = 0; w < words.Count; w++)
        {
            symbols[w] = InitialSymbols(words[w].Word, ids);
            lengths[w] = symbols[w].Length;
            ForEachPair(symbols[w], lengths[w], (key, _) => { stats.Add(key, words[w].Count); stats.Note(key, w); });
        }
        foreach (var key in AllPairs(symbols, lengths)) stats.Requeue(key);

        var merges = new List<(string, string)>();
        int mergedTokens = 0;
        long lastCount = 0;
        var delta = new Dictionary<long, long>();
        while (tokens.Count < options.VocabSize && stats.TryTakeBest(options.MinPairCount, out long pair, out long count))
        {
            var (left, right) = PairStatistics.Split(pair);
            string merged = tokens[left] + tokens[right];
            if (merged.Length > options.MaxTokenChars || !CharacterClassRule.Allows(merged) || (ids.TryGetValue(merged, out int existing) && existing < fixedCount))
            {
                stats.Forbid(pair); // too long, across character classes, or a second meaning of an added token or byte name spelled out
                continue;
            }
            if (!ids.TryGetValue(merged, out int z))
            {
                z = Add(merged);
                mergedTokens++;
            }
            merges.Add((tokens[left], tokens[right]));
            lastCount = count;
            ApplyMerge(left, right, z, stats.WordsOf(pair).ToArray(), symbols, lengths, words, delta, stats);
            if (merges.Count % 1000 == 0)
                progress?.WriteLine($"train-tokenizer: {merges.Count} merges, vocab {tokens.Count}/{options.VocabSize}, last pair seen {count} times");
        }

        var added = GemmaTokenLayout.AddedTokens.ToList();
        int unused = 0;
        for (int k = 0; tokens.Count < options.VocabSize; k++)
        {
            if (ids.ContainsKey(GemmaTokenLayout.Unused(k))) continue; // the corpus spelled one out and it was learned
            added.Add(GemmaTokenLayout.UnusedToken(Add(GemmaTokenLayout.Unused(k)), k));
            unused++;
        }
        progress?.WriteLine($"train-tokenizer: {merges.Count} merges ({mergedTokens} new tokens), {unused} unused fillers, vocab {tokens.Count}");
        return new TrainedTokenizer(tokens, added, merges,
            new BpeTrainingSummary(corpus.Texts, corpus.Chars, corpus.Distinct, charCounts.Count, alphabet.Count, merges.Count, mergedTokens, unused, lastCount));

        int Add(string token)
        {
            ids.Add(token, tokens.Count);
            tokens.Add(token);
            return tokens.Count - 1;
        }
    }

    /// <summary>One id per alphabet character, else that character's UTF-8 byte-token ids.</summary>
    private static int[] InitialSymbols(string word, Dictionary<string, int> ids)
    {
        var result = new List<int>(word.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in word.EnumerateRunes())
        {
            if (ids.TryGetValue(rune.ToString(), out int id) && id >= GemmaTokenLayout.FirstLearnedId)
            {
                result.Add(id);
                continue;
            }
            int n = rune.EncodeToUtf8(utf8);
            for (int k = 0; k < n; k++) result.Add(GemmaTokenLayout.FirstByteId + utf8[k]);
        }
        return result.ToArray();
    }

    private static bool Mergeable(int id) => id >= GemmaTokenLayout.FirstLearnedId;

    private static void ForEachPair(int[] symbols, int length, Action<long, int> action)
    {
        for (int k = 0; k + 1 < length; k++)
            if (Mergeable(symbols[k]) && Mergeable(symbols[k + 1])) action(PairStatistics.Key(symbols[k], symbols[k + 1]), k);
    }

    private static IEnumerable<long> AllPairs(int[][] symbols, int[] lengths)
    {
        var seen = new HashSet<long>();
        for (int w = 0; w < symbols.Length; w++)
            for (int k = 0; k + 1 < lengths[w]; k++)
                if (Mergeable(symbols[w][k]) && Mergeable(symbols[w][k + 1])) seen.Add(PairStatistics.Key(symbols[w][k], symbols[w][k + 1]));
        return seen.Order();
    }

    /// <summary>Rewrites every word holding (left, right) and moves the pair counts those words contribute.</summary>
    private static void ApplyMerge(int left, int right, int merged, int[] candidates, int[][] symbols, int[] lengths,
        IReadOnlyList<(string Word, long Count)> words, Dictionary<long, long> delta, PairStatistics stats)
    {
        delta.Clear();
        foreach (int w in candidates)
        {
            var s = symbols[w];
            int n = lengths[w];
            if (!Holds(s, n, left, right)) continue;
            long freq = words[w].Count;
            for (int k = 0; k + 1 < n; k++)
                if (Mergeable(s[k]) && Mergeable(s[k + 1])) Bump(delta, PairStatistics.Key(s[k], s[k + 1]), -freq);
            int write = 0;
            for (int read = 0; read < n; read++)
            {
                if (read + 1 < n && s[read] == left && s[read + 1] == right)
                {
                    s[write++] = merged;
                    read++;
                }
                else s[write++] = s[read];
            }
            lengths[w] = n = write;
            for (int k = 0; k + 1 < n; k++)
            {
                if (!(Mergeable(s[k]) && Mergeable(s[k + 1]))) continue;
                long key = PairStatistics.Key(s[k], s[k + 1]);
                Bump(delta, key, freq);
                if (s[k] == merged || s[k + 1] == merged) stats.Note(key, w);
            }
        }
        foreach (var (key, change) in delta.OrderBy(kv => kv.Key))
        {
            if (change == 0) continue;
            stats.Add(key, change);
            if (change > 0) stats.Requeue(key);
        }
    }

    private static bool Holds(int[] s, int n, int left, int right)
    {
        for (int k = 0; k + 1 < n; k++)
            if (s[k] == left && s[k + 1] == right) return true;
        return false;
    }

    private static void Bump(Dictionary<long, long> delta, long key, long by) => delta[key] = delta.GetValueOrDefault(key) + by;
}
