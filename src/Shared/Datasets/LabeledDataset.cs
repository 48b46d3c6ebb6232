namespace ProbeMonitor.Datasets;

/// <summary>A loaded binary dataset: its examples, what label 1 means, and the files it came from with their hashes.</summary>
/// <param name="Name">A stable name, e.g. "95_toxic_is" or "squad2-dev/default".</param>
/// <param name="Examples">The examples in file order (or generation order).</param>
/// <param name="PositiveMeaning">What label 1 means, in words (e.g. "unanswerable", "target == 'not_bigram'").</param>
/// <param name="Sources">The files read, with SHA-256; empty for generated sets.</param>
/// <param name="Description">How the set was built (seeds, pairing rules, label mapping), for reports and manifests.</param>
public sealed record LabeledDataset(string Name, IReadOnlyList<LabeledText> Examples, string PositiveMeaning, IReadOnlyList<SourceFile> Sources, string Description = "")
{
    /// <summary>Number of examples.</summary>
    public int Count => Examples.Count;

    /// <summary>Number of label-1 examples.</summary>
    public int Positives => Examples.Count(e => e.Label == 1);

    /// <summary>Number of label-0 examples.</summary>
    public int Negatives => Count - Positives;

    /// <summary>The labels as an array, in example order.</summary>
    public int[] Labels() => Examples.Select(e => e.Label).ToArray();

    /// <summary>The texts as an array, in example order.</summary>
    public string[] Texts() => Examples.Select(e => e.Text).ToArray();
}
