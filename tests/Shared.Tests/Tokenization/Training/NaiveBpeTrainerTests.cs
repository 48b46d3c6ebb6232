using ProbeMonitor.Tokenization.Training;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Tokenization.Training;

/// <summary>The incremental trainer learns the same merges, in the same order, as a naive one that recounts every pair after every merge.</summary>
public sealed class NaiveBpeTrainerTests
{
    [Theory]
    [InlineData(7, 200)]
    [InlineData(3, 60)]
    public void Incremental_pair_counts_give_the_naive_merges(int seed, int sentences)
    {
        var texts = TrainingCorpusFixture.Sentences(sentences, seed);
        var (_, trained) = BpeTrainerTests.Train(texts, 520);
        var naive = NaiveMerges(texts, trained, trained.Merges.Count);
        Assert.Equal(naive, trained.Merges);
    }

    /// <summary>Words split on spaces (kept as a leading "▁") and newlines; the alphabet and fixed tokens are taken from the trained result.</summary>
    private static List<(string, string)> NaiveMerges(IEnumerable<string> texts, TrainedTokenizer trained, int count)
    {
        var ids = trained.Tokens.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        int alphabetEnd = GemmaTokenLayout.FirstLearnedId + trained.Summary.Alphabet;
        var words = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var line in text.Split('\n'))
            {
                var n = line.Replace(' ', '\u2581');
                int start = 0;
                for (int i = 1; i <= n.Length; i++)
                    if (i == n.Length || (n[i] == '\u2581' && n[i - 1] != '\u2581'))
                    {
                        if (i > start) words[n[start..i]] = words.GetValueOrDefault(n[start..i]) + 1;
                        start = i;
                    }
            }
        // Symbols as token texts; characters outside the alphabet become unmergeable byte markers.
        var split = words.Select(kv => (Symbols: kv.Key.EnumerateRunes().Select(r => r.ToString())
            .Select(s => ids.TryGetValue(s, out int id) && id >= GemmaTokenLayout.FirstLearnedId && id < alphabetEnd ? s : "\0byte").ToList(), kv.Value)).ToList();
        var tokenIds = new Dictionary<string, int>(ids.Where(kv => kv.Value < alphabetEnd).ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal);
        var merges = new List<(string, string)>();
        var forbidden = new HashSet<(string, string)>();
        while (merges.Count < count)
        {
            var counts = new Dictionary<(string, string), long>();
            foreach (var (symbols, freq) in split)
                for (int k = 0; k + 1 < symbols.Count; k++)
                    if (symbols[k] != "\0byte" && symbols[k + 1] != "\0byte")
                        counts[(symbols[k], symbols[k + 1])] = counts.GetValueOrDefault((symbols[k], symbols[k + 1])) + freq;
            var best = counts.Where(kv => !forbidden.Contains(kv.Key))
                .OrderByDescending(kv => kv.Value).ThenBy(kv => tokenIds[kv.Key.Item1]).ThenBy(kv => tokenIds[kv.Key.Item2]).First();
            var (a, b) = best.Key;
            string merged = a + b;
            if (merged.Length > 16 || !CharacterClassRule.Allows(merged))
            {
                forbidden.Add(best.Key);
                continue;
            }
            tokenIds.TryAdd(merged, tokenIds.Count);
            merges.Add((a, b));
            foreach (var (symbols, _) in split)
                for (int k = 0; k + 1 < symbols.Count; k++)
                    if (symbols[k] == a && symbols[k + 1] == b)
                    {
                        symbols[k] = merged;
                        symbols.RemoveAt(k + 1);
                    }
        }
        return merges;
    }
}
