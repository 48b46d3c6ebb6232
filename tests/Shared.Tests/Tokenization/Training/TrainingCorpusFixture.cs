namespace ProbeMonitor.Shared.Tests.Tokenization.Training;

/// <summary>A small deterministic English-like corpus: sentences drawn from fixed word lists with a seeded generator.</summary>
internal static class TrainingCorpusFixture
{
    private static readonly string[] Subjects = ["The river", "A student", "The old city", "Every engineer", "The committee", "Her brother", "The museum"];
    private static readonly string[] Verbs = ["was built", "has visited", "answered", "described", "never explained", "will open", "remembered"];
    private static readonly string[] Objects = ["the northern bridge", "a question about history", "the station in 1999", "several paintings",
        "the results, again", "a café near the square", "its annual report"];

    /// <summary><paramref name="count"/> sentences, some with newlines, accents, digits and punctuation.</summary>
    public static IReadOnlyList<string> Sentences(int count, int seed = 7)
    {
        var random = new Random(seed);
        var result = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            string s = $"{Pick(Subjects)} {Pick(Verbs)} {Pick(Objects)}.";
            if (i % 5 == 0) s += $" Then {Pick(Subjects).ToLowerInvariant()} {Pick(Verbs)} it?";
            if (i % 11 == 0) s = "Q: " + s + "\n\nA: no";
            result.Add(s);
        }
        return result;

        string Pick(string[] words) => words[random.Next(words.Length)];
    }
}
