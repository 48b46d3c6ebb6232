namespace ProbeMonitor.Trainer.Commands;

/// <summary>The `--dataset NAME=TRAIN,TEST[,OOD]` values of `evaluate sparse-probing`.</summary>
public static class DatasetList
{
    /// <summary>One dataset's files.</summary>
    /// <param name="Name">Its name in tables and its sub-folder of --out.</param>
    /// <param name="Train">Training activations.</param>
    /// <param name="Test">Test activations.</param>
    /// <param name="Ood">Covariate-shift test activations, or null.</param>
    public sealed record Entry(string Name, string Train, string Test, string? Ood);

    /// <summary>Parses the values in order; names must be unique and usable as folder names.</summary>
    public static IReadOnlyList<Entry> Parse(IEnumerable<string>? values)
    {
        var result = new List<Entry>();
        foreach (var (name, files) in EvaluateArguments.NamedFiles(values, "--dataset"))
        {
            if (name.IndexOfAny([.. Path.GetInvalidFileNameChars(), '/', '\\']) >= 0 || name is "." or "..")
                throw new ArgumentException($"--dataset: '{name}' cannot be a folder name.");
            var parts = files.Split(',');
            if (parts.Length is not (2 or 3) || parts.Any(string.IsNullOrWhiteSpace))
                throw new ArgumentException($"--dataset {name}: expected NAME=TRAIN,TEST[,OOD], got '{name}={files}'.");
            result.Add(new Entry(name, parts[0], parts[1], parts.Length == 3 ? parts[2] : null));
        }
        return result;
    }
}
