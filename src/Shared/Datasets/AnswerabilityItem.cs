namespace ProbeMonitor.Datasets;

/// <summary>A context and a question about it, before prompting; for answerability probes label 1 means UNANSWERABLE.</summary>
/// <param name="Context">The passage (or variable definitions, or biography) the question is asked about.</param>
/// <param name="Question">The question.</param>
/// <param name="Answerable">Whether the context contains the answer.</param>
/// <param name="Group">Sub-population tag (article title, generator kind…), or null.</param>
/// <param name="Id">A stable identifier within its source, or null.</param>
public sealed record AnswerabilityItem(string Context, string Question, bool Answerable, string? Group = null, string? Id = null)
{
    /// <summary>The probe label: 1 = unanswerable (the class a monitor flags), 0 = answerable.</summary>
    public int Label => Answerable ? 0 : 1;
}
