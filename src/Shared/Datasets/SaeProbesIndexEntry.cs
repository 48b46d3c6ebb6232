namespace ProbeMonitor.Datasets;

/// <summary>One dataset of the sparse-probing benchmark as described by <c>data/sae-probes/index.json</c>.</summary>
/// <param name="Name">File stem, e.g. "95_toxic_is".</param>
/// <param name="Rows">Number of data rows the CSV must have.</param>
/// <param name="Labels">The distinct <c>target</c> values, sorted.</param>
/// <param name="PositiveLabel">The <c>target</c> value that is class 1; the only source of polarity.</param>
/// <param name="Source">Upstream source, when given.</param>
/// <param name="Dataset">Upstream dataset description, when given.</param>
/// <param name="ProbeFrom">What the prompt is, when given.</param>
/// <param name="ProbeTo">What the label asks, when given.</param>
public sealed record SaeProbesIndexEntry(string Name, int Rows, IReadOnlyList<string> Labels, string PositiveLabel,
    string Source = "", string Dataset = "", string ProbeFrom = "", string ProbeTo = "");
