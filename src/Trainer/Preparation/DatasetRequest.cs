using ProbeMonitor.Datasets;

namespace ProbeMonitor.Trainer.Preparation;

/// <summary>What <c>prepare</c> reads: a named source kind and the settings that kind uses.</summary>
/// <param name="Kind">One of <see cref="DatasetSource.Kinds"/>.</param>
/// <param name="Input">The file (or, for sae-probes, the folder holding index.json); null for generated sets.</param>
/// <param name="Name">The sae-probes dataset name.</param>
/// <param name="Template">The answerability prompt template's name (see <see cref="PromptTemplates"/>).</param>
/// <param name="Generate">How many Equation or Celebrity items to generate.</param>
/// <param name="PositiveLabel">sae-probes-ood: the target that is class 1 when the parent's polarity does not apply.</param>
/// <param name="Seed">Seed of generators and of BoolQ's passage pairing.</param>
public sealed record DatasetRequest(string Kind, string? Input, string? Name, string Template, int Generate, string? PositiveLabel, int Seed);
