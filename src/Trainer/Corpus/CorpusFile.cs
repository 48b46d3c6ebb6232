using ProbeMonitor.Datasets;

namespace ProbeMonitor.Trainer.Corpus;

/// <summary>One file read into a tokenizer-training corpus: where it came from (with its SHA-256) and how much of it was used.</summary>
/// <param name="Source">The file and the hash of its stored bytes.</param>
/// <param name="Kind">How it was read: jsonl, csv, txt or squad.</param>
/// <param name="Texts">Texts taken from it.</param>
/// <param name="Chars">Chars taken from it.</param>
public sealed record CorpusFile(SourceFile Source, string Kind, long Texts, long Chars);
