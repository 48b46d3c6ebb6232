namespace ProbeMonitor.Datasets;

/// <summary>
/// Loads the sparse-probing benchmark's binary datasets (<c>NAME.csv.gz</c> with columns <c>prompt[,prompt_len],target</c>)
/// and their covariate-shift sets (<c>ood/NAME_OOD.csv.gz</c>), taking polarity only from index.json's positive_label.
/// </summary>
public static class SaeProbesLoader
{
    /// <summary>The index file name inside the benchmark directory.</summary>
    public const string IndexFileName = "index.json";

    /// <summary>Loads dataset <paramref name="name"/> from <paramref name="directory"/> (which holds index.json); label 1 ⇔ target == positive_label.</summary>
    /// <exception cref="DatasetFormatException">Missing columns, a target not listed in the index, or a row count that disagrees with it.</exception>
    public static LabeledDataset Load(string directory, string name, SaeProbesIndex? index = null)
    {
        index ??= SaeProbesIndex.Load(Path.Combine(directory, IndexFileName));
        var entry = index.Get(name);
        var path = Path.Combine(directory, name + ".csv.gz");
        var (source, text) = SourceFile.ReadText(path);
        var table = CsvTable.Parse(text, path);
        if (table.Rows.Count != entry.Rows)
            throw new DatasetFormatException($"{path}: {table.Rows.Count} rows but index.json says {entry.Rows}.");
        var examples = ReadRows(table, entry.Labels, entry.PositiveLabel, $"index.json's labels for '{name}'");
        return new LabeledDataset(name, examples, $"target == '{entry.PositiveLabel}' ({entry.ProbeTo})".Replace(" ()", ""),
            [index.Source, source], $"sparse-probing dataset {name}; label 1 where target is index.json's positive_label '{entry.PositiveLabel}'.");
    }

    /// <summary>
    /// Loads the covariate-shift set <c>ood/NAME_OOD.csv.gz</c> with its parent's polarity. When its targets are not a subset
    /// of the parent's labels the polarity cannot be read from index.json, and the caller must name the positive target
    /// explicitly in <paramref name="positiveLabel"/>; nothing is guessed.
    /// </summary>
    /// <remarks>
    /// Known case: 90_glue_qnli_OOD has targets "1" and "not_entailment" while its parent has "0"/"1". The benchmark code
    /// label-encodes each file by sorted value, which makes "not_entailment" class 1 there, the opposite string from the
    /// parent's "1"; a caller that follows the benchmark passes positiveLabel: "not_entailment".
    /// </remarks>
    public static LabeledDataset LoadOod(string directory, string name, string? positiveLabel = null, SaeProbesIndex? index = null)
    {
        index ??= SaeProbesIndex.Load(Path.Combine(directory, IndexFileName));
        var entry = index.Get(name);
        var path = Path.Combine(directory, "ood", name + "_OOD.csv.gz");
        var (source, text) = SourceFile.ReadText(path);
        var table = CsvTable.Parse(text, path);
        int target = table.Column("target");
        var present = table.Rows.Select(r => r[target]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        IReadOnlyList<string> allowed;
        string positive, rule;
        if (positiveLabel is null)
        {
            var foreign = present.Where(p => !entry.Labels.Contains(p, StringComparer.Ordinal)).ToArray();
            if (foreign.Length > 0)
                throw new DatasetFormatException($"{path}: targets [{string.Join(", ", foreign)}] are not among index.json's labels for '{name}' " +
                    $"([{string.Join(", ", entry.Labels)}]), so its polarity is unknown; pass the positive target explicitly (targets present: [{string.Join(", ", present)}]).");
            allowed = entry.Labels;
            positive = entry.PositiveLabel;
            rule = $"parent's positive_label '{positive}' from index.json";
        }
        else
        {
            if (!present.Contains(positiveLabel, StringComparer.Ordinal))
                throw new ArgumentException($"{path}: the positive label '{positiveLabel}' does not occur; targets present: [{string.Join(", ", present)}].", nameof(positiveLabel));
            if (present.Length != 2)
                throw new DatasetFormatException($"{path}: expected two distinct targets, found [{string.Join(", ", present)}].");
            allowed = present;
            positive = positiveLabel;
            rule = $"caller-specified positive target '{positive}'";
        }
        var examples = ReadRows(table, allowed, positive, "the allowed targets");
        return new LabeledDataset(name + "_OOD", examples, $"target == '{positive}'", [index.Source, source],
            $"sparse-probing covariate-shift set for {name}; label 1 by the {rule}.");
    }

    private static List<LabeledText> ReadRows(CsvTable table, IReadOnlyList<string> allowed, string positive, string allowedName)
    {
        int prompt = table.Column("prompt"), target = table.Column("target");
        var examples = new List<LabeledText>(table.Rows.Count);
        for (int i = 0; i < table.Rows.Count; i++)
        {
            var row = table.Rows[i];
            string t = row[target];
            if (!allowed.Contains(t, StringComparer.Ordinal))
                throw new DatasetFormatException($"{table.SourceName}: line {table.Lines[i]}: target '{t}' is not among {allowedName} [{string.Join(", ", allowed)}].");
            examples.Add(new LabeledText(row[prompt], string.Equals(t, positive, StringComparison.Ordinal) ? 1 : 0));
        }
        return examples;
    }
}
