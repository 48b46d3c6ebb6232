using ProbeMonitor.Datasets;

namespace ProbeMonitor.Trainer.Preparation;

/// <summary>Builds a labelled dataset from the loaders and generators in <c>ProbeMonitor.Datasets</c>, by source kind.</summary>
public static class DatasetSource
{
    /// <summary>The source kinds <c>prepare --source</c> accepts.</summary>
    public static readonly IReadOnlyList<string> Kinds =
        ["squad2", "boolq", "equation", "celebrity", "sae-probes", "sae-probes-ood", "hatecheck", "davidson", "davidson-hate", "jsonl", "csv"];

    /// <summary>Loads or generates the dataset; answerability kinds come out as chat-formatted prompts with label 1 = unanswerable.</summary>
    /// <exception cref="ArgumentException">An unknown kind, or a setting the kind needs is missing.</exception>
    public static LabeledDataset Build(DatasetRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var template = PromptTemplates.Named(request.Template);
        return request.Kind switch
        {
            "squad2" => SquadLoader.Load(Input(request)).ToLabeled(template),
            "boolq" => BoolQAnswerability.ToLabeled(BoolQLoader.Load(Input(request)), template, request.Seed),
            "equation" => EquationGenerator.ToLabeled(new EquationOptions(Count: Generated(request), Seed: request.Seed), template),
            "celebrity" => CelebrityGenerator.ToLabeled(Generated(request), request.Seed, template),
            "sae-probes" => SaeProbesLoader.Load(Input(request), DatasetName(request)),
            "sae-probes-ood" => SaeProbesLoader.LoadOod(Input(request), DatasetName(request), request.PositiveLabel),
            "hatecheck" => HateCheckLoader.Load(Input(request)),
            "davidson" => DavidsonLoader.Load(Input(request), DavidsonLabeling.HateOrOffensive),
            "davidson-hate" => DavidsonLoader.Load(Input(request), DavidsonLabeling.HateOnly),
            "jsonl" => LabeledTextFile.LoadJsonl(Input(request)),
            "csv" => LabeledTextFile.LoadCsv(Input(request)),
            _ => throw new ArgumentException($"--source '{request.Kind}' is not one of {string.Join(", ", Kinds)}."),
        };
    }

    private static string Input(DatasetRequest r) =>
        r.Input ?? throw new ArgumentException($"--source {r.Kind} needs --input ({(r.Kind.StartsWith("sae-probes", StringComparison.Ordinal) ? "the folder holding index.json" : "the data file")}).");

    private static string DatasetName(DatasetRequest r) =>
        r.Name ?? throw new ArgumentException($"--source {r.Kind} needs --name (a dataset listed in index.json, e.g. 95_toxic_is).");

    private static int Generated(DatasetRequest r) =>
        r.Generate > 0 ? r.Generate : throw new ArgumentException($"--generate must be positive for --source {r.Kind}, got {r.Generate}.");
}
