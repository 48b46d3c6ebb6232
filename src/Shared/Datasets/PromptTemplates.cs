namespace ProbeMonitor.Datasets;

/// <summary>
/// The answerability prompt and its variations. The study trains on one phrasing and tests on the others as
/// out-of-distribution sets: same items, different wording around them, so a probe that keys on the wording fails.
/// </summary>
/// <remarks>
/// The study does not publish its exact strings; these are this project's reconstructions of the kinds of change it
/// describes (instruction moved, removed or reworded, question first, different answer format). Every template asks the
/// model whether the question can be answered from what it was given.
/// </remarks>
public static class PromptTemplates
{
    /// <summary>Context, then question, then a yes/no request: the training phrasing.</summary>
    public static readonly PromptTemplate Default = new("default",
        "Context: {context}\n\nQuestion: {question}\n\nCan the question be answered using only the context above? Answer yes or no.");

    /// <summary>The question before the context.</summary>
    public static readonly PromptTemplate QuestionFirst = new("question-first",
        "Question: {question}\n\nContext: {context}\n\nCan the question be answered using only the context above? Answer yes or no.");

    /// <summary>The instruction first, then the material.</summary>
    public static readonly PromptTemplate InstructionFirst = new("instruction-first",
        "Decide whether the following question can be answered from the passage alone. Reply with yes or no.\n\nPassage: {context}\nQuestion: {question}");

    /// <summary>No labels on the parts, a terse request.</summary>
    public static readonly PromptTemplate Bare = new("bare",
        "{context}\n\n{question}\n\nAnswerable from the text above?");

    /// <summary>The model is asked to answer, or to say it cannot: answerability is implicit.</summary>
    public static readonly PromptTemplate AnswerOrAbstain = new("answer-or-abstain",
        "Read the text and answer the question. If the text does not contain the answer, say \"I don't know\".\n\nText: {context}\n\nQuestion: {question}");

    /// <summary>All SQuAD variants, <see cref="Default"/> first.</summary>
    public static IReadOnlyList<PromptTemplate> SquadVariants { get; } = [Default, QuestionFirst, InstructionFirst, Bare, AnswerOrAbstain];

    /// <summary>The variant with this name; throws listing the known ones otherwise.</summary>
    public static PromptTemplate Named(string name) =>
        SquadVariants.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"No prompt template '{name}'; known: {string.Join(", ", SquadVariants.Select(t => t.Name))}.");
}
