namespace ProbeMonitor.Datasets;

/// <summary>
/// Regenerates the Celebrity answerability set of Heindrich et al. (2025): a short paragraph about a person, then a
/// factual question whose answer is, or is not, stated in the paragraph.
/// </summary>
/// <remarks>
/// Rebuilt from the paper's description. People are invented (first × last name lists), never real, so that the only way
/// to answer is the paragraph and not the model's memory. Each person gets a value for all seven attributes; the
/// paragraph opens with the name and states 3…5 of them in random order. An answerable item asks about a stated attribute,
/// an unanswerable one about an unstated attribute; the attribute lists are disjoint, so an unstated answer can never
/// appear in the paragraph by coincidence. Classes alternate, then the order is shuffled, all from <c>new Random(seed)</c>.
/// </remarks>
public static class CelebrityGenerator
{
    private static readonly string[] FirstNames =
    [
        "Maren", "Tobias", "Ilse", "Corwin", "Adaeze", "Rafferty", "Signe", "Lucan", "Odile", "Thaddeus", "Yara", "Bastien",
        "Liesel", "Caspian", "Noemi", "Evander", "Saoirse", "Dorian", "Marisol", "Anselm", "Kalinda", "Fenwick", "Ottilie", "Ravi",
    ];

    private static readonly string[] LastNames =
    [
        "Halvorsen", "Quennell", "Abernathy-Voss", "Okonkwo-Lind", "Castellane", "Drummore", "Vasquez-Rohl", "Thistlewood",
        "Marchetti-Byrne", "Kestrelton", "Oyelaran", "Brightwater", "Szabo-Ferrante", "Lindqvist-Hale", "Ravensworth", "Delacroix-Nunn",
    ];

    private sealed record Attribute(string Name, string[] Values, string Statement, string Question);

    // {n} = name, {p} = subject pronoun, {q} = possessive, {v} = the value.
    private static readonly Attribute[] Attributes =
    [
        new("birth year", ["1958", "1963", "1971", "1976", "1982", "1987", "1991", "1994"], "{p} was born in {v}.", "In what year was {n} born?"),
        new("birthplace", ["Tromsø", "Cork", "Valparaíso", "Tampere", "Ljubljana", "Hobart", "Lyon", "Porto"], "{p} grew up in {v}.", "In which city did {n} grow up?"),
        new("profession", ["marine biologist", "jazz pianist", "structural engineer", "documentary filmmaker", "pastry chef", "glassblower", "sports commentator", "cartographer"],
            "{p} works as a {v}.", "What does {n} do for a living?"),
        new("university", ["Edinburgh", "Uppsala", "Bologna", "Salamanca", "Leiden", "Coimbra", "Heidelberg", "Otago"],
            "{p} studied at the University of {v}.", "At which university did {n} study?"),
        new("spouse", ["Arlo Penhallow", "Ingrid Mausley", "Teodor Vance", "Priya Lockhart", "Hugo Esterbrook", "Mirela Castor", "Jonas Whitlock", "Celeste Arnaud"],
            "{p} is married to {v}.", "Who is {n} married to?"),
        new("hobby", ["rock climbing", "restoring old clocks", "beekeeping", "competitive chess", "sea kayaking", "growing orchids", "playing the cello", "birdwatching"],
            "In {q} spare time {p2} enjoys {v}.", "What does {n} enjoy doing in spare time?"),
        new("award", ["the Halden Prize", "the Marlowe Medal", "the Ostrava Award", "the Kittering Fellowship", "the Silver Compass", "the Auden Lantern", "the Varga Cup", "the Nightingale Citation"],
            "{p} received {v}.", "Which award did {n} receive?"),
    ];

    /// <summary>Generates <paramref name="count"/> items (⌈count/2⌉ answerable); the same seed always gives the same list.</summary>
    public static IReadOnlyList<CelebrityItem> Generate(int count, int seed)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"count must be ≥ 0, got {count}.");
        var rng = new Random(seed);
        var answerable = Enumerable.Range(0, count).Select(i => i % 2 == 0).ToArray();
        rng.Shuffle(answerable);
        return answerable.Select(a => One(rng, a)).ToList();
    }

    /// <summary>The items rendered with a prompt template (label 1 = unanswerable).</summary>
    public static LabeledDataset ToLabeled(int count, int seed, PromptTemplate template) =>
        template.Apply("celebrity", Generate(count, seed).Select((c, i) => c.ToAnswerabilityItem(i)), [],
            $"Generated Celebrity set (count {count}, seed {seed}): invented people; label 1 = the paragraph does not state the asked attribute.");

    private static CelebrityItem One(Random rng, bool answerable)
    {
        string name = $"{FirstNames[rng.Next(FirstNames.Length)]} {LastNames[rng.Next(LastNames.Length)]}";
        bool female = rng.Next(2) == 0;
        string pronoun = female ? "She" : "He", possessive = female ? "her" : "his";
        var values = Attributes.Select(a => a.Values[rng.Next(a.Values.Length)]).ToArray();
        var order = Enumerable.Range(0, Attributes.Length).ToArray();
        rng.Shuffle(order);
        int stated = rng.Next(3, 6);
        int asked = answerable ? order[rng.Next(stated)] : order[stated + rng.Next(order.Length - stated)];
        var sentences = new List<string> { $"{name} is a public figure who has appeared in several newspaper profiles." };
        foreach (int k in order.Take(stated))
            sentences.Add(Fill(Attributes[k].Statement, name, pronoun, possessive, values[k]));
        var attribute = Attributes[asked];
        string question = Fill(attribute.Question, name, pronoun, possessive, values[asked]);
        return new CelebrityItem(name, string.Join(" ", sentences), question, attribute.Name, values[asked], answerable);
    }

    private static string Fill(string template, string name, string pronoun, string possessive, string value) => template
        .Replace("{n}", name, StringComparison.Ordinal)
        .Replace("{p2}", pronoun.ToLowerInvariant(), StringComparison.Ordinal)
        .Replace("{p}", pronoun, StringComparison.Ordinal)
        .Replace("{q}", possessive, StringComparison.Ordinal)
        .Replace("{v}", value, StringComparison.Ordinal);
}
