namespace ProbeMonitor.Trainer.Extraction;

/// <summary>One input of <c>extract</c>: text to tokenize or ready token ids, with an optional 0/1 label and the line it came from.</summary>
public sealed record ExtractionExample(int Line, string? Text, int[]? TokenIds, long? Label);
