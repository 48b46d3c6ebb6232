namespace ProbeMonitor.Datasets;

/// <summary>A generated Celebrity item: a short biography of an invented person and a question about one attribute.</summary>
/// <param name="Person">The invented person's full name.</param>
/// <param name="Paragraph">The biography as shown to the model.</param>
/// <param name="Question">The factual question.</param>
/// <param name="Attribute">Which attribute is asked about (e.g. "birthplace").</param>
/// <param name="Answer">The person's value for it; it appears in the paragraph iff <paramref name="Answerable"/>.</param>
/// <param name="Answerable">Whether the paragraph states the asked attribute.</param>
public sealed record CelebrityItem(string Person, string Paragraph, string Question, string Attribute, string Answer, bool Answerable)
{
    /// <summary>As an answerability item: the paragraph is the context; group = the asked attribute.</summary>
    public AnswerabilityItem ToAnswerabilityItem(int index) => new(Paragraph, Question, Answerable, Attribute, $"celebrity-{index}");
}
