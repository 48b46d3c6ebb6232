namespace ProbeMonitor.Datasets;

/// <summary>One SQuAD 2.0 question with its paragraph.</summary>
/// <param name="Id">The question id.</param>
/// <param name="Title">The article title.</param>
/// <param name="Context">The paragraph.</param>
/// <param name="Question">The question text.</param>
/// <param name="IsImpossible">SQuAD's <c>is_impossible</c>: the paragraph does not answer the question.</param>
/// <param name="Answers">Gold answer texts (empty when impossible).</param>
public sealed record SquadQuestion(string Id, string Title, string Context, string Question, bool IsImpossible, IReadOnlyList<string> Answers)
{
    /// <summary>As an answerability item (unanswerable ⇔ is_impossible), grouped by article title.</summary>
    public AnswerabilityItem ToAnswerabilityItem() => new(Context, Question, !IsImpossible, Title, Id);
}
