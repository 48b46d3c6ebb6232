using System.Text;
using ProbeMonitor.Tokenization;
using Xunit;

namespace ProbeMonitor.Shared.Tests.Tokenization;

/// <summary>The two hash tables behind the tokenizer, against Dictionary as the reference, through several growths.</summary>
public sealed class TokenTablesTests
{
    [Fact]
    public void Vocabulary_finds_what_a_dictionary_finds()
    {
        var rng = new Random(7);
        var vocab = new TokenVocabulary();
        var reference = new Dictionary<string, int>(StringComparer.Ordinal);
        const string alphabet = "ab▁é😀\n";
        for (int id = 0; reference.Count < 5000; id += 1 + rng.Next(3))
        {
            var runes = Enumerable.Range(0, 1 + rng.Next(6)).Select(_ => alphabet.EnumerateRunes().ElementAt(rng.Next(6)));
            var token = string.Concat(runes.Select(r => r.ToString()));
            bool added = vocab.TryAdd(Encoding.UTF8.GetBytes(token), id);
            Assert.Equal(reference.TryAdd(token, id), added);
        }
        Assert.Equal(reference.Count, vocab.Count);
        foreach (var (token, id) in reference)
        {
            Assert.Equal(id, vocab.Find(token));
            Assert.Equal(id, vocab.Find(Encoding.UTF8.GetBytes(token)));
            Assert.Equal(token, vocab.TokenString(id));
            Assert.True(vocab.Is(id, Encoding.UTF8.GetBytes(token)));
        }
        Assert.Equal(-1, vocab.Find("zzz"));
        Assert.Null(vocab.TokenString(vocab.IdBound));
        Assert.False(vocab.HasId(-1));
    }

    [Fact]
    public void Merge_table_finds_what_a_dictionary_finds_and_a_later_set_wins()
    {
        var rng = new Random(11);
        var table = new MergeTable(4);
        var reference = new Dictionary<(int, int), (int, int)>();
        for (int rank = 0; rank < 20_000; rank++)
        {
            // Small ids force repeats (later wins) and keys that differ only in one half.
            int left = rng.Next(300), right = rng.Next(300), merged = rng.Next(1 << 20);
            table.Set(left, right, rank, merged);
            reference[(left, right)] = (rank, merged);
        }
        Assert.Equal(reference.Count, table.Count);
        for (int left = 0; left < 300; left++)
        for (int right = 0; right < 300; right++)
        {
            bool found = table.TryGet(left, right, out int rank, out int merged);
            Assert.Equal(reference.TryGetValue((left, right), out var expected), found);
            if (found) Assert.Equal(expected, (rank, merged));
        }
    }
}
