namespace ProbeMonitor.Datasets;

/// <summary>
/// The answerability study's use of BoolQ: every BoolQ question is answerable from its own passage, so unanswerable cases
/// are built by pairing a question with the passage of a different article.
/// </summary>
/// <remarks>
/// Construction (seeded, reproducible): the items are shuffled with <c>new Random(seed)</c>; the first
/// round(n·unanswerableFraction) of the shuffled order get the passage of another item drawn uniformly among those
/// whose title differs (so the passage is about another article, not merely another excerpt of the same one), the
/// rest keep their own passage. Output keeps the input order. Each passage can be reused; group = "own-passage" or
/// "other-article".
/// </remarks>
public static class BoolQAnswerability
{
    /// <summary>Builds the paired set; label 1 (unanswerable) for the mismatched pairs.</summary>
    public static IReadOnlyList<AnswerabilityItem> Build(IReadOnlyList<BoolQItem> items, int seed, double unanswerableFraction = 0.5)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (!(unanswerableFraction >= 0 && unanswerableFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(unanswerableFraction), $"must be in [0, 1], got {unanswerableFraction}.");
        if (items.Count > 0 && unanswerableFraction > 0 && items.Select(i => i.Title).Distinct(StringComparer.Ordinal).Count() < 2)
            throw new ArgumentException("BoolQ pairing needs passages from at least two different articles.", nameof(items));
        var rng = new Random(seed);
        var order = Enumerable.Range(0, items.Count).ToArray();
        rng.Shuffle(order);
        int unanswerable = (int)Math.Round(items.Count * unanswerableFraction, MidpointRounding.AwayFromZero);
        var result = new AnswerabilityItem[items.Count];
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            var item = items[i];
            if (k < unanswerable)
            {
                int other;
                do other = rng.Next(items.Count);
                while (string.Equals(items[other].Title, item.Title, StringComparison.Ordinal));
                result[i] = new AnswerabilityItem(items[other].Passage, item.Question, Answerable: false, "other-article", $"boolq-{i}-passage-{other}");
            }
            else
            {
                result[i] = new AnswerabilityItem(item.Passage, item.Question, Answerable: true, "own-passage", $"boolq-{i}");
            }
        }
        return result;
    }

    /// <summary>The paired set under a prompt template, with the construction recorded in the description.</summary>
    public static LabeledDataset ToLabeled(BoolQDataset data, PromptTemplate template, int seed, double unanswerableFraction = 0.5) =>
        template.Apply("boolq", Build(data.Items, seed, unanswerableFraction), [data.Source],
            $"BoolQ ({data.Items.Count} questions, all answerable from their own passage); a seeded {unanswerableFraction:0.##} fraction " +
            $"(seed {seed}) re-paired with the passage of a different article → label 1, the rest keep their passage → label 0.");
}
