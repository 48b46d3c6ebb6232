namespace ProbeMonitor.Datasets;

/// <summary>A user-turn body with {context} and {question} placeholders; <see cref="Render"/> fills it and wraps it in Gemma's chat format.</summary>
/// <param name="Name">Short identifier used in dataset names (e.g. "squad2-dev/question-first").</param>
/// <param name="Body">The text of the user turn, holding {context} and/or {question}.</param>
public sealed record PromptTemplate(string Name, string Body)
{
    /// <summary>The chat-formatted prompt for one item.</summary>
    public string Render(AnswerabilityItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        // One pass, so a context that itself contains "{question}" is not substituted again.
        var text = new System.Text.StringBuilder(Body.Length + item.Context.Length + item.Question.Length);
        for (int i = 0; i < Body.Length; )
        {
            if (string.CompareOrdinal(Body, i, "{context}", 0, 9) == 0) { text.Append(item.Context); i += 9; }
            else if (string.CompareOrdinal(Body, i, "{question}", 0, 10) == 0) { text.Append(item.Question); i += 10; }
            else text.Append(Body[i++]);
        }
        return GemmaChatTemplate.UserTurn(text.ToString());
    }

    /// <summary>Renders every item into a labelled set (label 1 = unanswerable).</summary>
    public LabeledDataset Apply(string datasetName, IEnumerable<AnswerabilityItem> items, IReadOnlyList<SourceFile> sources, string description) =>
        new(datasetName + "/" + Name, items.Select(i => new LabeledText(Render(i), i.Label, i.Group)).ToList(), "unanswerable", sources,
            $"{description} Prompt template '{Name}' in Gemma-2 chat format; label 1 = the context does not answer the question.");
}
