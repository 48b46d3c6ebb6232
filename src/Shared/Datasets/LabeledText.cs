namespace ProbeMonitor.Datasets;

/// <summary>One binary-labelled text: Label 1 is the dataset's positive class (see <see cref="LabeledDataset.PositiveMeaning"/>).</summary>
/// <param name="Text">The text a model reads (for answerability sets: the full chat-formatted prompt).</param>
/// <param name="Label">0 or 1.</param>
/// <param name="Group">An optional sub-population tag (HateCheck functionality, Davidson class, SQuAD article…), for per-group analysis.</param>
public sealed record LabeledText(string Text, int Label, string? Group = null);
