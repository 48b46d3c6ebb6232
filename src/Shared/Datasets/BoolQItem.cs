namespace ProbeMonitor.Datasets;

/// <summary>One BoolQ line: a yes/no question about a Wikipedia passage, answerable from it by construction.</summary>
/// <param name="Question">The question.</param>
/// <param name="Title">The passage's article title.</param>
/// <param name="Answer">The yes/no answer.</param>
/// <param name="Passage">The passage.</param>
public sealed record BoolQItem(string Question, string Title, bool Answer, string Passage);
